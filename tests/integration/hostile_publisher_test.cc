// A hostile (or broken) publisher on an open broker, next to a real agent:
// garbage, oversized payloads, impossible values, clocks from the future, a
// forged status meant to pin a real node online, a second report for a
// window already counted, and a report naming another node. Each is counted
// under its own reason and dropped; the aggregator stays up; the real
// agent's reports are still counted exactly once.
#include <cmath>
#include <cstdio>
#include <limits>

#include "ftel/v1/status.pb.h"
#include "tests/integration/fault_fixture.h"
#include "tests/support/http_get.h"

namespace ftel {
namespace {

class HostilePublisherTest : public FaultInjectionTest {
 public:
  void ConnectHostile() {
    hostile_ = NewPahoMqttTransport(broker_uri_, "mallory");
    ASSERT_TRUE(hostile_->Connect(MqttConnectOptions{}).ok());
  }

  void Send(const std::string& topic, const std::string& payload, bool retained = false) {
    ASSERT_TRUE(
        PublishAndWait(*hostile_, MqttMessage{topic, payload, 1, retained}, absl::Seconds(5)).ok());
  }

  // A report that passes every check, for node mallory/hostile-1.
  static v1::Report ValidReport(uint64_t sequence, int64_t end_ms) {
    v1::Report report;
    report.set_schema_version(1);
    report.mutable_identity()->set_factory_id("mallory");
    report.mutable_identity()->set_node_id("hostile-1");
    report.set_session_id(7);
    report.set_sequence(sequence);
    report.set_window_start_ms(end_ms - 1000);
    report.set_window_end_ms(end_ms);
    v1::ScenarioCoverage* scenario = report.add_scenarios();
    scenario->set_catalogue_id("PM-01");
    scenario->set_link("PM");
    scenario->set_built(true);
    return report;
  }

  uint64_t Rejected(const std::string& reason) {
    return NumberAfter(HttpGet(aggregator_http_port_, "/metrics"),
                       absl::StrCat("ftel_aggregator_rejected_total{reason=\"", reason, "\"} "));
  }

  std::unique_ptr<MqttTransport> hostile_;
};

TEST_F(HostilePublisherTest, EachHostileMessageIsCountedAndDroppedAndTheRealAgentIsCountedOnce) {
  aggregator_http_port_ = FreeLoopbackPort();
  ASSERT_NO_FATAL_FAILURE(StartAllAndWaitForReports());
  ASSERT_NO_FATAL_FAILURE(ConnectHostile());
  const std::string topic = "ftel/v1/node/mallory/hostile-1/report";
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());

  Send(topic, std::string("\xff\xff\xff\x01garbage", 11));  // undecodable
  Send(topic, std::string(300 * 1024, 'x'));                // too_large
  v1::Report huge_inventory = ValidReport(10, now_ms);
  huge_inventory.mutable_inventory()->set_terminals(std::numeric_limits<uint32_t>::max());
  Send(topic, huge_inventory.SerializeAsString());  // implausible_value
  v1::Report not_a_number = ValidReport(11, now_ms);
  v1::WorkUnitElements* unit = not_a_number.add_work_units();
  unit->set_work_unit_id("line");
  unit->set_planned_busy_time_s(std::nan(""));
  Send(topic, not_a_number.SerializeAsString());  // negative_value (not finite)
  Send(topic, ValidReport(12, now_ms + 3600 * 1000).SerializeAsString());  // clock_skew
  v1::Report other_node = ValidReport(13, now_ms);
  other_node.mutable_identity()->set_factory_id("delta");
  other_node.mutable_identity()->set_node_id("edge-1");
  Send(topic, other_node.SerializeAsString());  // identity_mismatch
  // A forged retained status that would pin the real node online forever.
  v1::NodeStatus forged;
  forged.set_schema_version(1);
  forged.mutable_identity()->set_factory_id("delta");
  forged.mutable_identity()->set_node_id("edge-1");
  forged.set_state(v1::NodeStatus::ONLINE);
  forged.set_started_at_ms(std::numeric_limits<int64_t>::max());
  Send("ftel/v1/node/delta/edge-1/status", forged.SerializeAsString(), true);  // clock_skew
  // One window, two sequence numbers: it counts once.
  Send(topic, ValidReport(1, now_ms - 5000).SerializeAsString());
  Send(topic, ValidReport(2, now_ms - 5000).SerializeAsString());

  ASSERT_TRUE(Eventually([&] {
    auto mallory = recorder_->GetJson<v1::FactorySummary>("ftel/v1/rates/factory/mallory");
    return mallory.has_value() && mallory->overlapping_windows() == 1;
  })) << Logs();
  auto mallory = recorder_->GetJson<v1::FactorySummary>("ftel/v1/rates/factory/mallory");
  EXPECT_EQ(mallory->reports(), 1u);
  EXPECT_LE(mallory->completeness().percent(), 100);
  const std::map<std::string, uint64_t> expected = {
      {"undecodable", 1},         {"too_large", 1},        {"implausible_value", 1},
      {"negative_value", 1},      {"clock_skew", 2},       {"identity_mismatch", 1},
      {"inconsistent_counts", 0}, {"unknown_scenario", 0}, {"bad_window", 0}};
  for (const auto& [reason, count] : expected) {
    std::printf("[hostile] rejected %s: %llu (sent %llu)\n", reason.c_str(),
                static_cast<unsigned long long>(Rejected(reason)),
                static_cast<unsigned long long>(count));
    EXPECT_EQ(Rejected(reason), count) << reason << "\n" << Logs();
  }
  EXPECT_THAT(HttpGet(aggregator_http_port_, "/healthz"), ::testing::HasSubstr("ok"));

  // The real agent: counted exactly, and its own OFFLINE status still
  // takes it offline (the forged one did not pin it).
  auto delta = StopAgentAndCountExactly("hostile publisher next to a real agent");
  ASSERT_TRUE(delta.has_value());
  EXPECT_TRUE(Eventually([&] {
    auto factory = Factory();
    return factory.has_value() && factory->nodes_online() == 0;
  })) << Logs();
  EXPECT_TRUE(aggregator_->WaitForExit(absl::ZeroDuration()) == std::nullopt)
      << "the aggregator died\n"
      << Logs();
}

}  // namespace
}  // namespace ftel
