#include "agent/sources/file/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "libftel/platform/clock.h"

extern char** environ;

namespace ftel {
namespace {

// Reads what is available on `fd` into `out`; false at end of file.
bool Drain(int fd, std::string* out) {
  char buffer[8192];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, std::min(text.find('\n'), size_t{200}));
  return line.empty() ? "" : ": " + line;
}

}  // namespace

absl::StatusOr<std::string> RunCommand(const std::vector<std::string>& argv, absl::Duration timeout,
                                       size_t max_output_bytes) {
  if (argv.empty()) return absl::InvalidArgumentError("no command");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot run ", argv[0], ": pipe: ", strerror(errno)));
  }
  if (pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return absl::UnavailableError(
        absl::StrCat("cannot run ", argv[0], ": pipe: ", strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return absl::UnavailableError(absl::StrCat("cannot run ", argv[0], ": ", strerror(spawned)));
  }

  SystemClock clock;
  const int64_t deadline_ms = clock.MonotonicMs() + absl::ToInt64Milliseconds(timeout);
  std::string out;
  std::string err;
  bool out_open = true;
  bool err_open = true;
  absl::Status failure;
  while (out_open || err_open) {
    const int64_t left_ms = deadline_ms - clock.MonotonicMs();
    if (left_ms <= 0) {
      failure = absl::DeadlineExceededError(
          absl::StrCat("timeout after ", absl::ToInt64Milliseconds(timeout), " ms"));
      break;
    }
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0},
                     {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    const int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(left_ms, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (out_open && fds[0].revents != 0) out_open = Drain(out_pipe[0], &out);
    if (err_open && fds[1].revents != 0) {
      err_open = Drain(err_pipe[0], &err);
      if (err.size() > 4096) err.resize(4096);
    }
    if (out.size() > max_output_bytes) {
      failure = absl::ResourceExhaustedError(
          absl::StrCat("more than ", max_output_bytes, " bytes of output"));
      break;
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  // A command that closed its output but goes on running still has until
  // the deadline.
  int status = 0;
  while (failure.ok()) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (clock.MonotonicMs() >= deadline_ms) {
      failure = absl::DeadlineExceededError(
          absl::StrCat("timeout after ", absl::ToInt64Milliseconds(timeout), " ms"));
      break;
    }
    usleep(5000);
  }
  if (!failure.ok()) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return failure;
  }
  if (WIFSIGNALED(status)) {
    return absl::AbortedError(absl::StrCat("killed by signal ", WTERMSIG(status), FirstLine(err)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && out.empty()) {
    return absl::UnavailableError(absl::StrCat("cannot run ", argv[0], FirstLine(err)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::AbortedError(absl::StrCat("exit status ", WEXITSTATUS(status), FirstLine(err)));
  }
  return out;
}

}  // namespace ftel
