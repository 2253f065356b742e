// A real program started by a test, stopped (SIGTERM, then SIGKILL) when the
// object goes away so that no process outlives its test.
#ifndef FTEL_TESTS_SUPPORT_CHILD_PROCESS_H_
#define FTEL_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ftel {

// The command that runs one of ftel's own programs: the program itself, or,
// in a cross build, the program under qemu with the sysroot's libc.
std::vector<std::string> ProgramCommand(const std::string& binary,
                                        const std::vector<std::string>& args);

class ChildProcess {
 public:
  // Runs argv (argv[0] is a path or found in PATH); stdout and stderr go to `log_path`.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                             const std::string& log_path);
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);
  // The exit code (or 128 + signal) once exited; nullopt if still running.
  std::optional<int> WaitForExit(absl::Duration timeout);
  // Everything the process wrote so far.
  std::string Log() const;

 private:
  ChildProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  std::optional<int> exit_code_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_CHILD_PROCESS_H_
