// The aggregator's recompute lines: every recompute at debug, a summary at
// info at the first recompute and then at most every 10 minutes.
#include "aggregator/outputs/recompute_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/log.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

v1::GroupSummary Fleet() {
  v1::GroupSummary fleet;
  fleet.set_factories(3);
  fleet.set_factories_online(3);
  v1::Ratio* declared = fleet.mutable_declared()->mutable_pooled();
  declared->set_numerator(27);
  declared->set_denominator(60);
  declared->set_percent(45.0);
  fleet.mutable_observed()->mutable_pooled()->set_percent(41.66);
  return fleet;
}

AggregatorStats Totals() {
  AggregatorStats totals;
  totals.reports = 3;
  totals.duplicates = 1;
  totals.rejected["clock_skew"] = 2;
  totals.rejected["too_large"] = 1;
  return totals;
}

int CountLines(const std::string& log, const std::string& level) {
  int count = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "Z " + level + " ")) ++count;
  }
  return count;
}

class RecomputeLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.WriteFile("log", "");
    fd_ = open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    LogToFd(fd_, [](const char*) -> const char* { return nullptr; });
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

TEST_F(RecomputeLogTest, AtInfoSummarisesTheFirstRecomputeAndThenEveryTenMinutes) {
  RecomputeLog log;
  log.Recomputed(1000, Fleet(), Totals(), 12, absl::Milliseconds(3));
  EXPECT_THAT(Written(),
              MatchesRegex("[0-9T:.-]+Z INFO results: 3 factories \\(3 online\\), fleet declared "
                           "45\\.0% \\(27/60\\) observed 41\\.7%, 3 reports, 1 duplicates, 3 "
                           "rejected; first recompute, 12 messages published\n"));
  // A day of recomputes every 5 s.
  for (int64_t at = 6000; at <= 1000 + 86400 * 1000; at += 5000) {
    log.Recomputed(at, Fleet(), Totals(), 2, absl::Milliseconds(3));
  }
  const std::string day = Written();
  EXPECT_EQ(CountLines(day, "INFO"), 1 + 144) << "one summary per 10 minutes";
  EXPECT_EQ(CountLines(day, "DEBUG"), 0);
  // Each summary counts what it stands for: 120 recomputes of 2 messages.
  EXPECT_THAT(day, HasSubstr("; 120 recomputes and 240 messages published in the last 600 s\n"));
}

TEST_F(RecomputeLogTest, AtDebugEveryRecomputeHasItsLine) {
  SetLogLevel(LogLevel::kDebug);
  RecomputeLog log;
  for (int64_t at = 1000; at < 11000; at += 1000) {
    log.Recomputed(at, Fleet(), Totals(), 5, absl::Microseconds(3300));
  }
  const std::string written = Written();
  EXPECT_EQ(CountLines(written, "DEBUG"), 10);
  EXPECT_EQ(CountLines(written, "INFO"), 1);
  EXPECT_THAT(written, HasSubstr(" DEBUG recompute: 3 factories (3 online), fleet declared 45.0% "
                                 "(27/60) observed 41.7%, 3 reports, 1 duplicates, 3 rejected, "
                                 "5 messages published, 3.3 ms\n"));
}

TEST_F(RecomputeLogTest, AtWarningItWritesNothing) {
  SetLogLevel(LogLevel::kWarning);
  RecomputeLog log;
  for (int64_t at = 0; at < 3600 * 1000; at += 1000) {
    log.Recomputed(at, Fleet(), Totals(), 5, absl::Milliseconds(1));
  }
  EXPECT_EQ(Written(), "");
}

TEST_F(RecomputeLogTest, AnUndefinedRateReadsNotAvailable) {
  RecomputeLog log;
  log.Recomputed(0, v1::GroupSummary(), AggregatorStats(), 0, absl::ZeroDuration());
  EXPECT_THAT(Written(), HasSubstr("results: 0 factories (0 online), fleet declared n/a (0/0) "
                                   "observed n/a, 0 reports, 0 duplicates, 0 rejected;"));
}

}  // namespace
}  // namespace ftel
