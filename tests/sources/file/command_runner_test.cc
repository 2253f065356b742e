#include "agent/sources/file/command_runner.h"

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

TEST(CommandRunnerTest, ReturnsWhatTheCommandPrinted) {
  auto out = RunCommand({"/bin/sh", "-c", "echo '{\"n\": 4}'"}, absl::Seconds(10), 1024);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "{\"n\": 4}\n");
}

TEST(CommandRunnerTest, AFailingCommandSaysItsStatusAndFirstErrorLine) {
  auto out = RunCommand({"/bin/sh", "-c", "echo 'historian offline' >&2; exit 3"},
                        absl::Seconds(10), 1024);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "exit status 3: historian offline");
  EXPECT_FALSE(RunCommand({"/nonexistent/ftel-reader"}, absl::Seconds(10), 1024).ok());
}

TEST(CommandRunnerTest, ACommandThatHangsIsKilledAtTheTimeout) {
  const absl::Time start = absl::Now();
  auto out = RunCommand({"/bin/sleep", "30"}, absl::Milliseconds(200), 1024);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  // Also one that closed its output and goes on running.
  out = RunCommand({"/bin/sh", "-c", "exec >&- 2>&-; sleep 30"}, absl::Milliseconds(200), 1024);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(CommandRunnerTest, TooMuchOutputIsAnError) {
  auto out = RunCommand({"/bin/sh", "-c", "yes"}, absl::Seconds(10), 4096);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(out.status().message(), HasSubstr("4096"));
}

}  // namespace
}  // namespace ftel
