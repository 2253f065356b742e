#include "agent/sources/mqtt/mqtt_source.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/sources/mqtt/sparkplug_test_payloads.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_mqtt_transport.h"

namespace ftel {
namespace {

constexpr char kNode[] = "spBv1.0/plant-a/NDATA/press-1";
constexpr char kBirth[] = "spBv1.0/plant-a/NBIRTH/press-1";

v1::SourceConfig Config(const std::string& mqtt_text) {
  v1::SourceConfig config;
  config.set_name("shop-floor");
  config.set_type("mqtt");
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(mqtt_text, config.mutable_mqtt()));
  config.mutable_mqtt()->mutable_broker()->set_uri("tcp://127.0.0.1:1883");
  return config;
}

// A started source over a fake broker; the test moves the clock and closes windows.
class Rig {
 public:
  Rig(const std::string& mqtt_text, SourceBindings bindings) {
    ConfigProblems problems("agent.yaml");
    std::optional<MqttSourcePlan> plan =
        PlanMqttSource(Config(mqtt_text), bindings, "sources[0]", &problems);
    EXPECT_TRUE(problems.empty()) << problems.ToStatus();
    MqttSourceOptions options;
    options.clock = &clock_;
    options.own_thread = false;
    options.make_transport = [this](const std::string&, const std::string&) {
      auto fake = std::make_unique<FakeMqttTransport>();
      fake_ = fake.get();
      return fake;
    };
    source_ = std::make_unique<MqttSource>("shop-floor", std::move(*plan), options);
  }
  ~Rig() { source_->Stop(); }

  void Start() {
    ASSERT_TRUE(source_->Start().ok());
    source_->MaintainConnection();
    ASSERT_TRUE(fake_->IsConnected());
  }
  SourceWindow Window(int64_t ms = 10000) {
    clock_.Advance(ms);
    ReportWindow window{start_ms_, start_ms_ + ms, ++sequence_, false};
    start_ms_ += ms;
    return source_->TakeWindow(window);
  }
  void Send(const std::string& topic, const std::string& payload) {
    fake_->Deliver(MqttMessage{topic, payload, 1, false});
  }
  FakeMqttTransport& fake() { return *fake_; }
  FakeClock& clock() { return clock_; }
  MqttSource& source() { return *source_; }

 private:
  FakeClock clock_{1700000000000};
  FakeMqttTransport* fake_ = nullptr;
  std::unique_ptr<MqttSource> source_;
  int64_t start_ms_ = 1700000000000;
  uint64_t sequence_ = 0;
};

SourceBindings Scenarios(std::vector<std::string> ids) {
  SourceBindings b;
  b.scenario_ids = std::move(ids);
  return b;
}

std::string Reason(const SourceWindow& w, const std::string& id) {
  return w.inferences.at(id).unknown_reason;
}

constexpr char kSparkplugCounter[] = R"pb(
  bindings {
    scenario_id: "weld"
    sparkplug { group_id: "plant-a" edge_node_id: "press-1" metric: "Inferences" }
  })pb";

TEST(MqttSource, UnknownNotStartedBeforeStart) {
  Rig rig(kSparkplugCounter, Scenarios({"weld"}));
  EXPECT_EQ(Reason(rig.Window(), "weld"), "not started");
}

TEST(MqttSource, SparkplugCounterByAliasAfterBirth) {
  Rig rig(kSparkplugCounter, Scenarios({"weld"}));
  rig.Start();
  EXPECT_EQ(rig.fake().subscriptions(), std::vector<std::string>{"spBv1.0/plant-a/+/press-1/#"});
  EXPECT_EQ(Reason(rig.Window(), "weld"), "no message yet");  // connected, no birth yet
  rig.Send(kBirth, Birth(0, 1, {{"Inferences", 5, 100}}));
  EXPECT_EQ(Reason(rig.Window(), "weld"), "no baseline yet");
  rig.Send(kNode, Data(1, 5, 130));
  rig.Send(kNode, Data(2, 5, 142));
  EXPECT_EQ(rig.Window().inferences.at("weld").value, 42u);
  // Silence from a live node: no change.
  EXPECT_EQ(rig.Window().inferences.at("weld").value, 0u);
}

TEST(MqttSource, SeqGapPublishesRebirthAndIsUnknownUntilTheNewBirth) {
  Rig rig(kSparkplugCounter, Scenarios({"weld"}));
  rig.Start();
  rig.Send(kBirth, Birth(0, 1, {{"Inferences", 5, 100}}));
  rig.Window();
  rig.Send(kNode, Data(1, 5, 110));
  EXPECT_EQ(rig.Window().inferences.at("weld").value, 10u);
  rig.Send(kNode, Data(3, 5, 130));  // seq 2 was lost
  ASSERT_EQ(rig.fake().published().size(), 1u);
  const MqttMessage ask = rig.fake().published()[0];
  EXPECT_EQ(ask.topic, "spBv1.0/plant-a/NCMD/press-1");
  v1::sparkplug::Payload request;
  ASSERT_TRUE(request.ParseFromString(ask.payload));
  EXPECT_EQ(request.metrics(0).name(), "Node Control/Rebirth");
  EXPECT_TRUE(request.metrics(0).boolean_value());
  EXPECT_EQ(rig.source().rebirth_requests(), 1u);
  rig.Send(kNode, Data(4, 5, 140));
  EXPECT_EQ(Reason(rig.Window(), "weld"), "awaiting rebirth after seq gap");
  EXPECT_EQ(Reason(rig.Window(), "weld"), "awaiting rebirth after seq gap");
  rig.Send(kBirth, Birth(0, 1, {{"Inferences", 5, 150}}));
  EXPECT_EQ(Reason(rig.Window(), "weld"), "awaiting rebirth after seq gap");  // reborn mid-window
  rig.Send(kNode, Data(1, 5, 151));
  EXPECT_EQ(rig.Window().inferences.at("weld").value, 1u);
}

TEST(MqttSource, NDeathWithTheBirthsBdSeqMakesValuesUnknown) {
  Rig rig(kSparkplugCounter, Scenarios({"weld"}));
  rig.Start();
  rig.Send(kBirth, Birth(0, 8, {{"Inferences", 5, 100}}));
  rig.Window();
  rig.Send("spBv1.0/plant-a/NDEATH/press-1", Death(7));  // an older session's
  EXPECT_TRUE(rig.Window().inferences.at("weld").known());
  rig.Send("spBv1.0/plant-a/NDEATH/press-1", Death(8));
  EXPECT_EQ(Reason(rig.Window(), "weld"), "edge node dead (NDEATH)");
  EXPECT_EQ(Reason(rig.Window(), "weld"), "edge node dead (NDEATH)");
}

TEST(MqttSource, DDeathMakesTheDevicesValuesUnknownOnly) {
  Rig rig(R"pb(
            bindings {
              scenario_id: "node-level"
              kind: EVENT_COUNT
              sparkplug { group_id: "plant-a" edge_node_id: "press-1" metric: "Alerts" }
            }
            bindings {
              scenario_id: "device-level"
              kind: EVENT_COUNT
              sparkplug {
                group_id: "plant-a"
                edge_node_id: "press-1"
                device_id: "cam-1"
                metric: "Frames"
              }
            })pb",
          Scenarios({"node-level", "device-level"}));
  rig.Start();
  rig.Send(kBirth, Birth(0, 1, {{"Alerts", 1, 0}}));
  rig.Send("spBv1.0/plant-a/DBIRTH/press-1/cam-1", Birth(1, std::nullopt, {{"Frames", 2, 0}}));
  rig.Window();
  rig.Send("spBv1.0/plant-a/DDATA/press-1/cam-1", Data(2, 2, 1));
  rig.Send("spBv1.0/plant-a/DDATA/press-1/cam-1", Data(3, 2, 1));
  rig.Send(kNode, Data(4, 1, 1));
  SourceWindow w = rig.Window();
  EXPECT_EQ(w.inferences.at("device-level").value, 2u);
  EXPECT_EQ(w.inferences.at("node-level").value, 1u);
  rig.Send("spBv1.0/plant-a/DDEATH/press-1/cam-1", TestPayload(5, {}).SerializeAsString());
  w = rig.Window();
  EXPECT_EQ(Reason(w, "device-level"), "device dead (DDEATH)");
  EXPECT_EQ(w.inferences.at("node-level").value, 0u);
}

TEST(MqttSource, CounterEventCountAndEventSumOnPlainTopics) {
  Rig rig(
      R"pb(
        bindings { scenario_id: "counter" topic: "line/+/total" number: true }
        bindings { scenario_id: "events" topic: "line/+/total" number: true kind: EVENT_COUNT }
        bindings { scenario_id: "sum" topic: "line/1/batch" json: "batch.parts" kind: EVENT_SUM }
      )pb",
      Scenarios({"counter", "events", "sum"}));
  rig.Start();
  rig.Window();
  for (const char* v : {"5", "7", "9"}) rig.Send("line/1/total", v);
  rig.Send("line/1/batch", R"({"batch": {"parts": 12}})");
  SourceWindow w = rig.Window();
  EXPECT_EQ(Reason(w, "counter"), "no baseline yet");
  EXPECT_EQ(w.inferences.at("events").value, 3u);
  EXPECT_EQ(w.inferences.at("sum").value, 12u);
  rig.Send("line/1/total", "12");
  rig.Send("line/1/batch", R"({"batch": {"count": 3}})");  // path missing: an event lost
  w = rig.Window();
  EXPECT_EQ(w.inferences.at("counter").value, 3u);
  EXPECT_EQ(w.inferences.at("events").value, 1u);
  EXPECT_EQ(Reason(w, "sum"), "unreadable payload: no field batch.parts");
  EXPECT_EQ(rig.Window().inferences.at("sum").value, 0u);
}

TEST(MqttSource, LostConnectionIsNotConnectedUntilBack) {
  Rig rig(R"pb(bindings { scenario_id: "events" topic: "t" number: true kind: EVENT_COUNT })pb",
          Scenarios({"events"}));
  rig.Start();
  rig.Window();
  rig.Send("t", "1");
  EXPECT_EQ(rig.Window().inferences.at("events").value, 1u);
  rig.fake().DropConnection();
  EXPECT_EQ(Reason(rig.Window(), "events"), "not connected");
  rig.source().MaintainConnection();  // notices the loss, waits the backoff
  rig.clock().Advance(2000);
  rig.source().MaintainConnection();  // back within the window
  ASSERT_TRUE(rig.fake().IsConnected());
  EXPECT_EQ(Reason(rig.Window(), "events"), "not connected");
  rig.Send("t", "1");
  EXPECT_EQ(rig.Window().inferences.at("events").value, 1u);
}

TEST(MqttSource, WorkUnitCountersAndRunningTime) {
  SourceBindings bindings;
  bindings.work_unit_ids = {"press-1"};
  Rig rig(R"pb(
            bindings {
              work_unit_id: "press-1"
              element: PRODUCED_QUANTITY
              topic: "p/json"
              json: "produced"
            }
            bindings { work_unit_id: "press-1" element: GOOD_QUANTITY topic: "p/json" json: "good" }
            bindings { work_unit_id: "press-1" element: RUNNING topic: "p/running" number: true }
            work_units { work_unit_id: "press-1" planned_run_time_per_unit_s: 2 }
          )pb",
          bindings);
  rig.Start();
  rig.Send("p/json", R"({"produced": 100, "good": 90})");
  rig.Send("p/running", "1");
  EXPECT_FALSE(rig.Window().work_units.at("press-1").known());
  rig.clock().Advance(4000);
  rig.Send("p/running", "0");
  rig.Send("p/json", R"({"produced": 103, "good": 92})");
  SourceWindow w = rig.Window(6000);  // a 10 s window in all
  ASSERT_TRUE(w.work_units.at("press-1").known()) << w.work_units.at("press-1").unknown_reason;
  const v1::WorkUnitElements& e = *w.work_units.at("press-1").value;
  EXPECT_EQ(e.produced_quantity(), 3u);
  EXPECT_EQ(e.good_quantity(), 2u);
  EXPECT_DOUBLE_EQ(e.actual_production_time_s(), 4.0);
  EXPECT_DOUBLE_EQ(e.planned_busy_time_s(), 6.0);  // this window's own length
  EXPECT_DOUBLE_EQ(e.planned_run_time_per_unit_s(), 2.0);
}

TEST(MqttSourcePlan, NamesEveryProblemWithItsKey) {
  SourceBindings bindings;
  bindings.scenario_ids = {"weld", "unbound"};
  bindings.work_unit_ids = {"press-1"};
  v1::SourceConfig config = Config(R"pb(
    bindings { scenario_id: "weld" topic: "a/#/b" number: true }
    bindings { scenario_id: "weld" json: "x" number: true topic: "t" }
    bindings { work_unit_id: "press-1" topic: "t" number: true }
    bindings { scenario_id: "other" topic: "t" json: "a..b" }
    bindings {
      scenario_id: "weld"
      sparkplug { group_id: "g/1" edge_node_id: "n" }
      topic: "t"
    }
    bindings { work_unit_id: "press-1" element: GOOD_QUANTITY kind: STATE topic: "t" number: true }
  )pb");
  config.mutable_mqtt()->mutable_broker()->set_uri("mqtt://nowhere");
  ConfigProblems problems("/etc/ftel/agent.yaml");
  EXPECT_FALSE(PlanMqttSource(config, bindings, "sources[3]", &problems).has_value());
  std::map<std::string, std::string> found;
  for (const ConfigProblem& p : problems.problems()) found[p.key] += p.rule + ";";
  EXPECT_NE(found["sources[3].mqtt.broker.uri"].find("tcp://"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[0].topic"].find("'#'"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[1]"].find("exactly one of json"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[2].element"].find("required"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[3].scenario_id"].find("'other'"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[3].json"].find("key"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[4].topic"].find("not used"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[4].sparkplug.group_id"].find("'/'"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[4].sparkplug.metric"].find("required"),
            std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings[5].kind"].find("RUNNING only"), std::string::npos);
  EXPECT_NE(found["sources[3].mqtt.bindings"].find("scenario 'unbound'"), std::string::npos);
}

TEST(MqttSourcePlan, AppliesDefaults) {
  ConfigProblems problems("/etc/ftel/agent.yaml");
  std::optional<MqttSourcePlan> plan = PlanMqttSource(
      Config(R"pb(bindings { scenario_id: "weld" topic: "t" number: true }
                  bindings { scenario_id: "weld" topic: "t" json: "a" kind: EVENT_SUM })pb"),
      Scenarios({"weld"}), "sources[0]", &problems);
  ASSERT_TRUE(plan.has_value()) << problems.ToStatus();
  EXPECT_EQ(plan->broker.client_id(), "ftel-mqtt-source-shop-floor");
  EXPECT_EQ(plan->broker.reconnect_max_ms(), 5000u);
  EXPECT_EQ(plan->bindings[0].kind(), v1::MqttBinding::COUNTER);
  EXPECT_EQ(plan->filters.size(), 1u);
}

}  // namespace
}  // namespace ftel
