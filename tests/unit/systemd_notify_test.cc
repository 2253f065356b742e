// SystemdNotifier and LoopWatchdog against real AF_UNIX datagram sockets, as
// systemd binds them: one under a path, one with an abstract name.
#include "libftel/platform/systemd_notify.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"
#include "tests/support/notify_listener.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr absl::Duration kWait = absl::Seconds(5);

GetEnvFunction FakeEnvironment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  };
}

std::set<int> OpenFds() {
  std::set<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  while (dirent* entry = readdir(dir)) {
    int fd;
    if (absl::SimpleAtoi(entry->d_name, &fd) && fd != dirfd(dir)) fds.insert(fd);
  }
  closedir(dir);
  return fds;
}

std::string Received(NotifyListener& listener) {
  std::optional<Notification> got = listener.Receive(kWait);
  return got.has_value() ? got->text : "(nothing)";
}

TEST(SystemdNotifierTest, DoesNothingWithoutNotifySocket) {
  SystemdNotifier notifier(FakeEnvironment({{"WATCHDOG_USEC", "1000000"}}), getpid());
  EXPECT_FALSE(notifier.enabled());
  EXPECT_EQ(notifier.problem(), "");
  EXPECT_EQ(notifier.watchdog_interval(), absl::ZeroDuration());
  EXPECT_TRUE(notifier.Ready("serving").ok());
  EXPECT_TRUE(notifier.Watchdog().ok());
}

TEST(SystemdNotifierTest, SendsEachStateToASocketUnderAPath) {
  TempDir dir;
  const std::string path = dir.path() + "/notify";
  auto listener = NotifyListener::Bind(path);
  ASSERT_TRUE(listener.ok()) << listener.status();
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", path}}), getpid());
  ASSERT_TRUE(notifier.enabled()) << notifier.problem();

  ASSERT_TRUE(notifier.Ready("restored 3 nodes\nHTTP on port 9464").ok());
  std::optional<Notification> ready = (*listener)->Receive(kWait);
  ASSERT_TRUE(ready.has_value());
  // STATUS= stays one line: a newline would end it.
  EXPECT_EQ(ready->text, "READY=1\nSTATUS=restored 3 nodes HTTP on port 9464");
  EXPECT_EQ(ready->pid, getpid());

  ASSERT_TRUE(notifier.Watchdog().ok());
  EXPECT_EQ(Received(**listener), "WATCHDOG=1");
  ASSERT_TRUE(notifier.Stopping().ok());
  EXPECT_EQ(Received(**listener), "STOPPING=1");

  timespec before;
  clock_gettime(CLOCK_MONOTONIC, &before);
  ASSERT_TRUE(notifier.Reloading().ok());
  const std::string reloading = Received(**listener);
  ASSERT_THAT(reloading, StartsWith("RELOADING=1\nMONOTONIC_USEC="));
  uint64_t usec = 0;
  ASSERT_TRUE(absl::SimpleAtoi(reloading.substr(reloading.find('=', 12) + 1), &usec)) << reloading;
  const uint64_t before_usec =
      static_cast<uint64_t>(before.tv_sec) * 1000000 + static_cast<uint64_t>(before.tv_nsec) / 1000;
  EXPECT_GE(usec, before_usec);
  EXPECT_LT(usec, before_usec + 5000000);
}

TEST(SystemdNotifierTest, SendsToAnAbstractSocket) {
  const std::string name =
      absl::StrCat("@ftel-notify-test-", getpid(), "-", absl::ToUnixNanos(absl::Now()));
  auto listener = NotifyListener::Bind(name);
  ASSERT_TRUE(listener.ok()) << listener.status();
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", name}}), getpid());
  ASSERT_TRUE(notifier.enabled()) << notifier.problem();
  ASSERT_TRUE(notifier.Ready("up").ok());
  EXPECT_EQ(Received(**listener), "READY=1\nSTATUS=up");
  // The same name as a path is another socket, which nobody bound.
  SystemdNotifier as_path(FakeEnvironment({{"NOTIFY_SOCKET", "/" + name.substr(1)}}), getpid());
  EXPECT_FALSE(as_path.Ready("up").ok());
}

TEST(SystemdNotifierTest, ItsSocketIsCloseOnExec) {
  TempDir dir;
  const std::set<int> before = OpenFds();
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", dir.path() + "/notify"}}), getpid());
  int added = -1;
  for (int fd : OpenFds()) {
    if (before.count(fd) == 0) added = fd;
  }
  ASSERT_GE(added, 0);
  EXPECT_NE(fcntl(added, F_GETFD) & FD_CLOEXEC, 0);
}

TEST(SystemdNotifierTest, AFailedSendNamesTheSocket) {
  TempDir dir;
  const std::string path = dir.path() + "/nobody";
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", path}}), getpid());
  ASSERT_TRUE(notifier.enabled());
  const absl::Status sent = notifier.Ready("up");
  EXPECT_FALSE(sent.ok());
  EXPECT_THAT(sent.message(), HasSubstr(path));
}

TEST(SystemdNotifierTest, RefusesAnAddressThatIsNeitherAPathNorAbstract) {
  for (const std::string& name :
       std::vector<std::string>{"notify.sock", "vsock:2:1234", std::string(200, '/')}) {
    SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", name}}), getpid());
    EXPECT_FALSE(notifier.enabled()) << name;
    EXPECT_THAT(notifier.problem(), HasSubstr("NOTIFY_SOCKET")) << name;
    EXPECT_TRUE(notifier.Ready("up").ok()) << "a no-op, like an unset variable";
  }
}

TEST(SystemdNotifierTest, TheWatchdogIsForTheProcessWatchdogPidNames) {
  const std::string socket = "@ftel-notify-test-unused";
  auto interval = [&](std::map<std::string, std::string> variables) {
    variables["NOTIFY_SOCKET"] = socket;
    return SystemdNotifier(FakeEnvironment(variables), 4242).watchdog_interval();
  };
  EXPECT_EQ(interval({}), absl::ZeroDuration());
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "1000000"}}), absl::Seconds(1));
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "30000000"}, {"WATCHDOG_PID", "4242"}}), absl::Seconds(30));
  // Inherited from a parent the watchdog is for.
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "1000000"}, {"WATCHDOG_PID", "4241"}}),
            absl::ZeroDuration());
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "0"}}), absl::ZeroDuration());
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "soon"}}), absl::ZeroDuration());
  EXPECT_EQ(interval({{"WATCHDOG_USEC", "1000000"}, {"WATCHDOG_PID", "x"}}), absl::ZeroDuration());
  // Without a socket to send them to, no pings are asked for.
  EXPECT_EQ(
      SystemdNotifier(FakeEnvironment({{"WATCHDOG_USEC", "1000000"}}), 4242).watchdog_interval(),
      absl::ZeroDuration());
}

TEST(LoopWatchdogTest, PingsAtHalfTheIntervalHoweverOftenTheLoopTurns) {
  TempDir dir;
  const std::string path = dir.path() + "/notify";
  auto listener = NotifyListener::Bind(path);
  ASSERT_TRUE(listener.ok()) << listener.status();
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", path}, {"WATCHDOG_USEC", "1000000"}}),
                           getpid());
  FakeClock clock(0);
  LoopWatchdog watchdog(&clock, &notifier);

  watchdog.Turned();  // the first turn pings at once
  EXPECT_EQ(Received(**listener), "WATCHDOG=1");
  for (int turn = 0; turn < 4; ++turn) {
    clock.Advance(100);
    watchdog.Turned();
  }
  EXPECT_EQ(watchdog.sent(), 1u) << "400 ms: not yet";
  clock.Advance(100);
  watchdog.Turned();
  EXPECT_EQ(watchdog.sent(), 2u) << "500 ms: half the interval";
  EXPECT_EQ(Received(**listener), "WATCHDOG=1");
  // A loop that is stuck does not turn, so nothing is sent however late.
  clock.Advance(60000);
  EXPECT_FALSE((*listener)->Receive(absl::Milliseconds(50)).has_value());
  watchdog.Turned();
  EXPECT_EQ(watchdog.sent(), 3u);
}

TEST(LoopWatchdogTest, SendsNothingWithoutAWatchdog) {
  TempDir dir;
  const std::string path = dir.path() + "/notify";
  auto listener = NotifyListener::Bind(path);
  ASSERT_TRUE(listener.ok()) << listener.status();
  SystemdNotifier notifier(FakeEnvironment({{"NOTIFY_SOCKET", path}}), getpid());
  FakeClock clock(0);
  LoopWatchdog watchdog(&clock, &notifier);
  for (int turn = 0; turn < 10; ++turn) {
    watchdog.Turned();
    clock.Advance(1000);
  }
  EXPECT_EQ(watchdog.sent(), 0u);
  EXPECT_FALSE((*listener)->Receive(absl::Milliseconds(50)).has_value());
}

}  // namespace
}  // namespace ftel
