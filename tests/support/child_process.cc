#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libftel/platform/file_io.h"

namespace ftel {

std::vector<std::string> ProgramCommand(const std::string& binary,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> command;
  // FTEL_TEST_EMULATOR is CMAKE_CROSSCOMPILING_EMULATOR joined by '|', empty natively.
  for (absl::string_view part : absl::StrSplit(FTEL_TEST_EMULATOR, '|', absl::SkipEmpty())) {
    command.emplace_back(part);
  }
  command.push_back(binary);
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(absl::StrCat("cannot open ", log_path));
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    // The test binary may block signals in some thread; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(log_fd);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, log_path));
}

ChildProcess::~ChildProcess() {
  if (exit_code_.has_value()) return;
  Signal(SIGTERM);
  if (!WaitForExit(absl::Seconds(5)).has_value()) {
    Signal(SIGKILL);
    WaitForExit(absl::Seconds(5));
  }
}

void ChildProcess::Signal(int signal_number) {
  if (!exit_code_.has_value()) kill(pid_, signal_number);
}

std::optional<int> ChildProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!exit_code_.has_value()) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (absl::Now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

std::string ChildProcess::Log() const {
  absl::StatusOr<std::string> log = ReadFileToString(log_path_);
  return log.ok() ? *log : "";
}

}  // namespace ftel
