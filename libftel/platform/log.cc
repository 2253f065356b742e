#include "libftel/platform/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace ftel {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

// Where lines go. Decided at the first line rather than at start-up, so that
// no daemon has to remember to set it up before it logs.
ABSL_CONST_INIT absl::Mutex output_mu(absl::kConstInit);
int output_fd ABSL_GUARDED_BY(output_mu) = STDERR_FILENO;
bool output_journal ABSL_GUARDED_BY(output_mu) = false;
bool output_decided ABSL_GUARDED_BY(output_mu) = false;

const char* LevelWord(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kDebug:
      return "DEBUG";
  }
  return "INFO";
}

// syslog(3)'s LOG_ERR, LOG_WARNING, LOG_INFO and LOG_DEBUG, which the journal
// reads from a "<N>" at the start of a line.
const char* JournalPrefix(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "<3>";
    case LogLevel::kWarning:
      return "<4>";
    case LogLevel::kInfo:
      return "<6>";
    case LogLevel::kDebug:
      return "<7>";
  }
  return "<6>";
}

void WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to say so
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void Write(LogLevel level, absl::string_view text) {
  if (!LogEnabled(level)) return;
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&output_mu);
  if (!output_decided) {
    output_journal = IsJournalStream(std::getenv("JOURNAL_STREAM"), output_fd);
    output_decided = true;
  }
  // One write(2) per line: the journal, and a pipe shared with other
  // writers, see it whole.
  WriteAll(output_fd, FormatLogLine(level, text, output_journal, now));
}

}  // namespace

void LogError(absl::string_view line) { Write(LogLevel::kError, line); }
void LogWarning(absl::string_view line) { Write(LogLevel::kWarning, line); }
void LogInfo(absl::string_view line) { Write(LogLevel::kInfo, line); }
void LogDebug(absl::string_view line) { Write(LogLevel::kDebug, line); }

void SetLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

LogLevel GetLogLevel() { return static_cast<LogLevel>(min_level.load()); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) <= min_level.load(); }

void LogToFd(int fd, const GetEnvFunction& getenv) {
  absl::MutexLock lock(&output_mu);
  output_fd = fd;
  output_journal = IsJournalStream(getenv("JOURNAL_STREAM"), fd);
  output_decided = true;
}

bool IsJournalStream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  const std::vector<absl::string_view> parts = absl::StrSplit(journal_stream, ':');
  uint64_t device = 0;
  uint64_t inode = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &device) ||
      !absl::SimpleAtoi(parts[1], &inode)) {
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  return static_cast<uint64_t>(st.st_dev) == device && static_cast<uint64_t>(st.st_ino) == inode;
}

std::string FormatLogLine(LogLevel level, absl::string_view text, bool journal, absl::Time now) {
  if (journal) {
    const char* prefix = JournalPrefix(level);
    // A bare newline would start a journal entry of default priority.
    return absl::StrCat(prefix, LevelWord(level), " ",
                        absl::StrReplaceAll(text, {{"\n", absl::StrCat("\n", prefix)}}), "\n");
  }
  return absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()), " ",
                      LevelWord(level), " ", text, "\n");
}

LogLevel LogLevelFromConfigValue(int value) {
  switch (value) {
    case 1:
      return LogLevel::kError;
    case 2:
      return LogLevel::kWarning;
    case 4:
      return LogLevel::kDebug;
    default:
      return LogLevel::kInfo;
  }
}

}  // namespace ftel
