// The agent's wall clock misbehaves, as it does on gateways without a clock
// battery: it steps an hour ahead and back while the agent runs, it is wrong
// at boot until NTP sets it, or it never gets synchronised. The agent runs
// under libfaketime (Debian's faketime), whose offset file the test rewrites
// while it runs; the monotonic clock is left alone, as NTP leaves it. The
// broker and the aggregator keep the true time. Each test prints produced /
// delivered / rejected / lost and asserts the outcome.
#include <cstdio>

#include "tests/integration/fault_fixture.h"
#include "tests/support/http_get.h"

namespace ftel {
namespace {

class ClockFaultTest : public FaultInjectionTest {
 public:
  // The agent's wall clock is the true one moved by what `offset` says
  // ("+3600", "-400d"), re-read at every call.
  void RunAgentUnderFaketime(const std::string& offset) {
    SetAgentClockOffset(offset);
    agent_wrapper_ = {"env", absl::StrCat("LD_PRELOAD=", FTEL_FAKETIME_LIB),
                      absl::StrCat("FAKETIME_TIMESTAMP_FILE=", dir_.path(), "/faketime"),
                      "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1"};
  }

  void SetAgentClockOffset(const std::string& offset) {
    // Written whole and renamed, so that the agent never reads half of it.
    dir_.WriteFile("faketime.tmp", offset + "\n");
    ASSERT_EQ(
        std::rename((dir_.path() + "/faketime.tmp").c_str(), (dir_.path() + "/faketime").c_str()),
        0);
  }

  void StartAggregatorWithMetrics() {
    aggregator_http_port_ = FreeLoopbackPort();
    StartAggregator();
  }

  uint64_t RejectedForClockSkew() {
    return NumberAfter(HttpGet(aggregator_http_port_, "/metrics"),
                       "ftel_aggregator_rejected_total{reason=\"clock_skew\"} ");
  }
};

TEST_F(ClockFaultTest, AWallClockSteppedAnHourAheadAndBackNeitherStallsNorHidesWindows) {
  StartBroker();
  StartAggregatorWithMetrics();
  RunAgentUnderFaketime("+0");
  StartAgent();
  ASSERT_TRUE(WaitForReports(5).has_value()) << Logs();

  SetAgentClockOffset("+3600");
  ASSERT_TRUE(AgentLogged("the wall clock stepped by 3600 s")) << Logs();
  // An hour ahead is beyond the aggregator's max_clock_skew_s: these
  // windows are rejected, and must show as missing time.
  ASSERT_TRUE(Eventually([&] { return RejectedForClockSkew() >= 5; })) << Logs();
  SetAgentClockOffset("+0");
  ASSERT_TRUE(AgentLogged("the wall clock stepped by -3600 s")) << Logs();
  // Back on the true time line the agent goes on at once: no window waits
  // for the hour it stepped back.
  const uint64_t counted_at_step_back = Factory()->reports();
  ASSERT_TRUE(WaitForReports(counted_at_step_back + 20, absl::Seconds(10)).has_value())
      << "the agent stalled after the step back\n"
      << Logs();

  Delivery d;
  d.produced = StopAgent(&d.left_in_spool);
  const uint64_t rejected = RejectedForClockSkew();
  auto factory = WaitForReports(d.produced - d.left_in_spool - rejected);
  ASSERT_TRUE(factory.has_value()) << Logs();
  d.delivered = factory->reports() + rejected;  // every window is accounted for
  d.duplicated = factory->duplicates();
  d.Print("wall clock +1 h and back");
  std::printf("[fault] wall clock +1 h and back: rejected_clock_skew=%llu completeness=%.2f%%\n",
              static_cast<unsigned long long>(rejected), factory->completeness().percent());
  EXPECT_EQ(d.lost(), 0) << Logs();
  EXPECT_EQ(d.duplicated, 0u);
  EXPECT_GE(rejected, 5u);
  // The rejected hour is a gap in the node's time, and says so.
  EXPECT_LT(factory->completeness().percent(), 100);
}

TEST_F(ClockFaultTest, AClockWrongAtBootIsHeldUntilNtpSetsItAndNothingIsLost) {
  StartBroker();
  StartAggregatorWithMetrics();
  // A box that booted 400 days behind, with systemd-timesyncd's flag file
  // not there yet.
  RunAgentUnderFaketime("-400d");
  agent_extra_ = "clock: {sync_check: FILE, sync_file: synchronized}\n";
  StartAgent();
  ASSERT_TRUE(AgentLogged("the wall clock is not synchronised")) << Logs();
  absl::SleepFor(absl::Seconds(2));  // 20 windows held
  auto before = Factory();
  EXPECT_TRUE(!before.has_value() || before->reports() == 0)
      << "a window went out with the wrong time\n"
      << Logs();

  // NTP sets the clock, then timesyncd touches its file.
  SetAgentClockOffset("+0");
  ASSERT_TRUE(AgentLogged("the wall clock stepped by")) << Logs();
  dir_.WriteFile("synchronized", "");
  ASSERT_TRUE(AgentLogged("now that the clock is synchronised")) << Logs();
  const uint64_t released = NumberBefore(agent_->Log(), " held window(s) stamped");
  ASSERT_TRUE(WaitForReports(released + 10).has_value()) << Logs();

  Delivery d;
  d.produced = StopAgent(&d.left_in_spool);
  auto factory = CountExactly("clock 400 days behind at boot", d);
  ASSERT_TRUE(factory.has_value()) << Logs();
  std::printf(
      "[fault] clock 400 days behind at boot, held until synchronised: released=%llu "
      "rejected_clock_skew=%llu unsynchronized=%llu completeness=%.2f%%\n",
      static_cast<unsigned long long>(released),
      static_cast<unsigned long long>(RejectedForClockSkew()),
      static_cast<unsigned long long>(factory->unsynchronized_windows()),
      factory->completeness().percent());
  EXPECT_GE(released, 15u);
  EXPECT_EQ(RejectedForClockSkew(), 0u);
  EXPECT_EQ(factory->unsynchronized_windows(), 0u);
  // Held windows land on the true time line, back to back with the rest.
  EXPECT_DOUBLE_EQ(factory->completeness().percent(), 100);
}

TEST_F(ClockFaultTest, AClockThatNeverSynchronisesStopsBeingHeldAndIsFlagged) {
  StartBroker();
  StartAggregatorWithMetrics();
  agent_extra_ = "clock: {sync_check: FILE, sync_file: synchronized, max_hold_s: 1}\n";
  StartAgent();
  ASSERT_TRUE(AgentLogged("flagged: the clock is still not synchronised")) << Logs();
  ASSERT_TRUE(WaitForReports(20).has_value()) << Logs();
  auto flagged = Factory();
  ASSERT_TRUE(flagged.has_value());
  // Every window so far carries the unsynchronised flag.
  EXPECT_EQ(flagged->unsynchronized_windows(), flagged->reports());

  dir_.WriteFile("synchronized", "");
  ASSERT_TRUE(WaitForReports(flagged->reports() + 20).has_value()) << Logs();
  Delivery d;
  d.produced = StopAgent(&d.left_in_spool);
  auto factory = CountExactly("clock never synchronised", d);
  ASSERT_TRUE(factory.has_value()) << Logs();
  std::printf("[fault] clock never synchronised (max_hold_s 1): unsynchronized=%llu of %llu\n",
              static_cast<unsigned long long>(factory->unsynchronized_windows()),
              static_cast<unsigned long long>(factory->reports()));
  // Flagged until the clock was synchronised, not after.
  EXPECT_GE(factory->unsynchronized_windows(), flagged->reports());
  EXPECT_LT(factory->unsynchronized_windows(), flagged->reports() + 5);
}

}  // namespace
}  // namespace ftel
