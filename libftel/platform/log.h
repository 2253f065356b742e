// One-line logs to stderr with a UTC timestamp and level, which journald and
// docker both collect as they are:
//
//   2026-11-28T23:50:32.844Z INFO connected to tcp://...
//
// When stderr is systemd's stream to the journal ($JOURNAL_STREAM names its
// device and inode, sd-daemon(3)), each line starts with its syslog priority
// instead of the timestamp, so that `journalctl -p warning` selects by level
// and the journal's own timestamp is the only one:
//
//   <6>INFO connected to tcp://...
//
// Lines below the process-wide level (SetLogLevel; default info) are dropped.
//
//   LogInfo(absl::StrCat("connected to ", uri));
//   if (LogEnabled(LogLevel::kDebug)) LogDebug(ExpensiveDescription());
#ifndef FTEL_LIBFTEL_PLATFORM_LOG_H_
#define FTEL_LIBFTEL_PLATFORM_LOG_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ftel {

// In order of severity; a level lets through itself and everything above.
enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// The daemons' `log_level` config value (ERROR = 1, WARNING = 2, INFO = 3,
// DEBUG = 4 in both configs' LogLevel enums); anything else is kInfo.
LogLevel LogLevelFromConfigValue(int value);

// Thread-safe; each line is written whole, whichever thread logs.
void LogError(absl::string_view line);
void LogWarning(absl::string_view line);
void LogInfo(absl::string_view line);
void LogDebug(absl::string_view line);

// The least severe level written from now on. Thread-safe; a config reload
// may call it while other threads log.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Whether a line at `level` would be written: lets a caller skip building
// a line that would be dropped.
bool LogEnabled(LogLevel level);

// Reads an environment variable: std::getenv, or a test's fake.
using GetEnvFunction = std::function<const char*(const char*)>;

// Sends the log to `fd` (not owned) instead of stderr, in the journal's
// format if `getenv("JOURNAL_STREAM")` names `fd`'s file. For tests;
// LogToFd(2, std::getenv) restores what a process starts with.
void LogToFd(int fd, const GetEnvFunction& getenv);

// Whether `journal_stream` ("DEVICE:INODE" in decimal, as systemd sets
// $JOURNAL_STREAM; may be null) names the file open on `fd`. A process whose
// stderr was redirected by a child's shell inherits the variable but not the
// stream: hence the comparison rather than the variable alone.
bool IsJournalStream(const char* journal_stream, int fd);

// One log line with its newline: "<time> LEVEL text" for a file or a pipe,
// "<priority>LEVEL text" for the journal. In the journal's format every line
// of a multi-line text carries the priority.
std::string FormatLogLine(LogLevel level, absl::string_view text, bool journal, absl::Time now);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_LOG_H_
