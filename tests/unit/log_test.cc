// The log's level filter and its two formats: the timestamped one for files,
// pipes and docker, and the journal's, with the syslog priority in front.
#include "libftel/platform/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// 2026-11-28T23:50:32.844Z
const absl::Time kWhen = absl::FromUnixMillis(1795909832844);

GetEnvFunction FakeEnvironment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  };
}

std::string DeviceAndInode(int fd) {
  struct stat st;
  EXPECT_EQ(fstat(fd, &st), 0);
  return absl::StrCat(st.st_dev, ":", st.st_ino);
}

TEST(LogFormatTest, KeepsTheTimestampedFormatOutsideTheJournal) {
  EXPECT_EQ(FormatLogLine(LogLevel::kWarning, "spool full", false, kWhen),
            "2026-11-28T23:50:32.844Z WARN spool full\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "stopped", false, kWhen),
            "2026-11-28T23:50:32.844Z INFO stopped\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kError, "x", false, kWhen),
            "2026-11-28T23:50:32.844Z ERROR x\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kDebug, "x", false, kWhen),
            "2026-11-28T23:50:32.844Z DEBUG x\n");
}

TEST(LogFormatTest, PrefixesTheSyslogPriorityForTheJournalWithoutATimestamp) {
  EXPECT_EQ(FormatLogLine(LogLevel::kError, "spool read: EIO", true, kWhen),
            "<3>ERROR spool read: EIO\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kWarning, "spool full", true, kWhen), "<4>WARN spool full\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "stopped", true, kWhen), "<6>INFO stopped\n");
  EXPECT_EQ(FormatLogLine(LogLevel::kDebug, "recompute: 3", true, kWhen),
            "<7>DEBUG recompute: 3\n");
}

TEST(LogFormatTest, EveryLineOfAMultiLineTextKeepsItsPriorityInTheJournal) {
  EXPECT_EQ(FormatLogLine(LogLevel::kWarning, "first\nsecond", true, kWhen),
            "<4>WARN first\n<4>second\n");
  // Outside the journal the text stays as it is.
  EXPECT_EQ(FormatLogLine(LogLevel::kWarning, "first\nsecond", false, kWhen),
            "2026-11-28T23:50:32.844Z WARN first\nsecond\n");
}

TEST(JournalStreamTest, MatchesOnlyTheDeviceAndInodeOfTheDescriptor) {
  TempDir dir;
  const std::string path = dir.WriteFile("stderr", "");
  const std::string other = dir.WriteFile("other", "");
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  const int other_fd = open(other.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_GE(other_fd, 0);
  const std::string stream = DeviceAndInode(fd);
  EXPECT_TRUE(IsJournalStream(stream.c_str(), fd));
  // Inherited by a process whose stderr went elsewhere: not the journal.
  EXPECT_FALSE(IsJournalStream(stream.c_str(), other_fd));
  EXPECT_FALSE(IsJournalStream(nullptr, fd));
  EXPECT_FALSE(IsJournalStream("", fd));
  EXPECT_FALSE(IsJournalStream("journal", fd));
  EXPECT_FALSE(IsJournalStream(absl::StrCat(stream, ":1").c_str(), fd));
  EXPECT_FALSE(IsJournalStream(absl::StrCat(stream, "x").c_str(), fd));
  EXPECT_FALSE(IsJournalStream(stream.c_str(), -1));
  close(fd);
  close(other_fd);
}

// The process-wide log, sent to a file of the test's.
class LogOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.WriteFile("log", "");
    fd_ = open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    LogToFd(STDERR_FILENO, [](const char* name) { return std::getenv(name); });
    SetLogLevel(LogLevel::kInfo);
    close(fd_);
  }
  std::string Written() { return ReadFileToString(path_).value_or(""); }

  TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

TEST_F(LogOutputTest, InfoIsTheDefaultLevel) {
  LogToFd(fd_, FakeEnvironment({}));
  EXPECT_EQ(GetLogLevel(), LogLevel::kInfo);
  LogDebug("hidden detail");
  LogInfo("connected");
  LogWarning("lost");
  LogError("broken");
  const std::string log = Written();
  EXPECT_THAT(log, Not(HasSubstr("hidden detail")));
  EXPECT_THAT(log, MatchesRegex("[0-9T:.-]+Z INFO connected\n"
                                "[0-9T:.-]+Z WARN lost\n"
                                "[0-9T:.-]+Z ERROR broken\n"));
}

TEST_F(LogOutputTest, TheLevelDropsEverythingLessSevere) {
  LogToFd(fd_, FakeEnvironment({}));
  SetLogLevel(LogLevel::kWarning);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarning));
  LogInfo("info 1");
  LogWarning("warning 1");
  SetLogLevel(LogLevel::kError);
  LogWarning("warning 2");
  LogError("error 2");
  SetLogLevel(LogLevel::kDebug);
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
  LogDebug("debug 3");
  const std::string log = Written();
  EXPECT_THAT(log, Not(HasSubstr("info 1")));
  EXPECT_THAT(log, HasSubstr("WARN warning 1\n"));
  EXPECT_THAT(log, Not(HasSubstr("warning 2")));
  EXPECT_THAT(log, HasSubstr("ERROR error 2\n"));
  EXPECT_THAT(log, HasSubstr("DEBUG debug 3\n"));
}

TEST_F(LogOutputTest, WritesTheJournalFormatWhenJournalStreamNamesTheOutput) {
  LogToFd(fd_, FakeEnvironment({{"JOURNAL_STREAM", DeviceAndInode(fd_)}}));
  SetLogLevel(LogLevel::kDebug);
  LogInfo("connected");
  LogWarning("lost");
  LogError("broken");
  LogDebug("detail");
  EXPECT_EQ(Written(), "<6>INFO connected\n<4>WARN lost\n<3>ERROR broken\n<7>DEBUG detail\n");
}

TEST_F(LogOutputTest, KeepsTheTimestampsWhenJournalStreamNamesAnotherFile) {
  const std::string elsewhere = dir_.WriteFile("journal", "");
  const int other = open(elsewhere.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(other, 0);
  LogToFd(fd_, FakeEnvironment({{"JOURNAL_STREAM", DeviceAndInode(other)}}));
  close(other);
  LogWarning("lost");
  EXPECT_THAT(Written(), MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z WARN lost\n"));
}

}  // namespace
}  // namespace ftel
