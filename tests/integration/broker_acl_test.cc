// Broker access control with a real mosquitto, as docs/security.md sets it up: every
// client logs in, an agent may write only its own node's topics, only the aggregator may publish
// results, and a wrong password is refused. With MQTT 3.1.1 the broker drops a forbidden publish
// silently and still acknowledges it, so these tests prove a drop by ordering: a later, allowed
// message from the same client arrives while the forbidden one never does.
//
// The last test covers the aggregator's own check that a payload's identity equals its topic.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "tests/integration/cell_agent_config.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/log_numbers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

// Every wait is bounded well inside the integration tests' 120 s timeout.
constexpr absl::Duration kWait = absl::Seconds(15);

constexpr char kAlphaPassword[] = "alpha-secret";
constexpr char kBetaPassword[] = "beta-secret";
constexpr char kAggregatorPassword[] = "aggregator-secret";
constexpr char kDashboardPassword[] = "dashboard-secret";

// The access model of config/mosquitto/acl.example for two agents.
constexpr char kAcl[] = R"(user alpha.edge-1
topic write ftel/v1/node/alpha/edge-1/report
topic write ftel/v1/node/alpha/edge-1/status
topic read ftel/v1/commit/alpha/edge-1

user beta.edge-1
topic write ftel/v1/node/beta/edge-1/report
topic write ftel/v1/node/beta/edge-1/status
topic read ftel/v1/commit/beta/edge-1

user ftel-aggregator
topic read ftel/v1/node/#
topic write ftel/v1/rates/#
topic write ftel/v1/rates-pb/#
topic write ftel/v1/history/#
topic write ftel/v1/commit/#

user dashboard
topic read ftel/v1/rates/#
topic read ftel/v1/rates-pb/#
)";

// Agent alpha with a login; as agent_broker_test's config otherwise.
const std::string kAgentConfig =
    CellAgentConfig(R"(broker: {uri: 'URI', username: alpha.edge-1, password_file: 'PASSWORD_FILE'}
identity: {factory_id: alpha, node_id: edge-1, factory_name: Alpha Works, sector: electronics, region: jiangsu}
spool: {dir: spool-alpha}
)");

// Adds `user` to the mosquitto password file `file` with mosquitto_passwd, creating the file
// when `create` is set.
absl::Status AddUser(const TempDir& dir, const std::string& file, const std::string& user,
                     const std::string& password, bool create) {
  std::vector<std::string> argv = {"mosquitto_passwd", "-b"};
  if (create) argv.push_back("-c");
  argv.insert(argv.end(), {file, user, password});
  const std::string log_path = dir.path() + "/mosquitto_passwd.log";
  auto run = ChildProcess::Start(argv, log_path);
  if (!run.ok()) return run.status();
  const std::optional<int> code = (*run)->WaitForExit(absl::Seconds(10));
  if (code != std::optional<int>(0)) {
    return absl::InternalError(absl::StrCat("mosquitto_passwd for ", user, " exited with ",
                                            code.has_value() ? std::to_string(*code) : "nothing",
                                            ": ", (*run)->Log()));
  }
  return absl::OkStatus();
}

// A client that logs in (a TopicRecorder cannot), subscribes to `filter` and keeps every
// message it receives, in arrival order.
class LoggedInObserver {
 public:
  absl::Status Start(const std::string& uri, const std::string& client_id,
                     const std::string& username, const std::string& password,
                     const std::string& filter) {
    transport_ = NewPahoMqttTransport(uri, client_id);
    transport_->SetMessageHandler([this](const MqttMessage& message) {
      std::lock_guard<std::mutex> lock(mu_);
      messages_.push_back(message);
    });
    MqttConnectOptions options;
    options.username = username;
    options.password = password;
    absl::Status status = transport_->Connect(options);
    if (status.ok()) status = transport_->Subscribe(filter, 1);
    return status;
  }

  std::vector<MqttMessage> All() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

  // Whether a message with `payload` arrived, on any topic.
  bool SawPayload(const std::string& payload) {
    for (const MqttMessage& message : All()) {
      if (message.payload == payload) return true;
    }
    return false;
  }

  // The messages received on `topic`.
  std::vector<MqttMessage> On(const std::string& topic) {
    std::vector<MqttMessage> found;
    for (const MqttMessage& message : All()) {
      if (message.topic == topic) found.push_back(message);
    }
    return found;
  }

  // Everything received, one "topic (N bytes)" per line, for failure messages.
  std::string Describe() {
    std::string text;
    for (const MqttMessage& message : All()) {
      absl::StrAppend(&text, message.topic, " (", message.payload.size(), " bytes)\n");
    }
    return text;
  }

 private:
  std::mutex mu_;
  std::vector<MqttMessage> messages_;
  // Last, so that it is destroyed (and stops calling the handler) before the messages.
  std::unique_ptr<MqttTransport> transport_;
};

// Publishes at QoS 1 and waits for the broker's PUBACK.
absl::Status Publish(MqttTransport& transport, const std::string& topic, const std::string& payload,
                     bool retained = false) {
  return PublishAndWait(transport, MqttMessage{topic, payload, 1, retained}, kWait);
}

class BrokerAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    passwd_path_ = dir_.path() + "/ftel.passwd";
    const std::vector<std::pair<std::string, std::string>> users = {
        {"alpha.edge-1", kAlphaPassword},
        {"beta.edge-1", kBetaPassword},
        {"ftel-aggregator", kAggregatorPassword},
        {"dashboard", kDashboardPassword}};
    for (size_t i = 0; i < users.size(); ++i) {
      const absl::Status added =
          AddUser(dir_, passwd_path_, users[i].first, users[i].second, /*create=*/i == 0);
      ASSERT_TRUE(added.ok()) << added;
    }
    const std::string acl_path = dir_.WriteFile("ftel.acl", kAcl);
    // BrokerProcess's base config says "allow_anonymous true". mosquitto keeps the last value of
    // a repeated global option, so the line below turns anonymous access off (mosquitto 2.0.11;
    // AnonymousClientIsRefused checks it). log_type all puts each "Denied PUBLISH" in the log.
    auto broker = BrokerProcess::Start(
        dir_, absl::StrCat("allow_anonymous false\npassword_file ", passwd_path_, "\nacl_file ",
                           acl_path, "\nlog_type all\n"));
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
  }

  // Subscribes `observer` to everything under ftel/, logged in as the aggregator.
  // Starts the real agent alpha, logged in as `username` with `password`.
  void StartAlphaAgent(const std::string& username, const std::string& password) {
    const std::string password_file =
        dir_.WriteFile(username + ".password", absl::StrCat(password, "\n"));
    const std::string config_path = dir_.WriteFile(
        "alpha-as-" + username + ".yaml",
        absl::StrReplaceAll(kAgentConfig,
                            {{"URI", broker_->uri()},
                             {"username: alpha.edge-1", "username: " + username},
                             {"PASSWORD_FILE", password_file},
                             {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
    auto agent = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config_path}),
                                     dir_.path() + "/agent.log");
    ASSERT_TRUE(agent.ok()) << agent.status();
    agent_ = *std::move(agent);
  }

  void WatchAsAggregator(LoggedInObserver& observer) {
    ASSERT_TRUE(observer
                    .Start(broker_->uri(), "test-aggregator-observer", "ftel-aggregator",
                           kAggregatorPassword, "ftel/#")
                    .ok())
        << Logs();
  }

  // A client of the broker logged in as `username`; nullptr (and a test failure) if refused.
  std::unique_ptr<MqttTransport> Login(const std::string& client_id, const std::string& username,
                                       const std::string& password) {
    std::unique_ptr<MqttTransport> transport = NewPahoMqttTransport(broker_->uri(), client_id);
    MqttConnectOptions options;
    options.username = username;
    options.password = password;
    const absl::Status status = transport->Connect(options);
    EXPECT_TRUE(status.ok()) << username << ": " << status << "\n" << Logs();
    return status.ok() ? std::move(transport) : nullptr;
  }

  std::string Logs() {
    std::string logs = absl::StrCat("broker log:\n", broker_->process().Log());
    if (agent_ != nullptr) absl::StrAppend(&logs, "\nagent log:\n", agent_->Log());
    return logs;
  }

  TempDir dir_;
  std::string passwd_path_;
  std::unique_ptr<BrokerProcess> broker_;
  std::unique_ptr<ChildProcess> agent_;
};

TEST_F(BrokerAclTest, AgentMayPublishOnlyUnderItsOwnNode) {
  LoggedInObserver aggregator;
  ASSERT_NO_FATAL_FAILURE(WatchAsAggregator(aggregator));
  std::unique_ptr<MqttTransport> alpha = Login("test-alpha", "alpha.edge-1", kAlphaPassword);
  ASSERT_NE(alpha, nullptr);

  ASSERT_TRUE(Publish(*alpha, "ftel/v1/node/alpha/edge-1/report", "own").ok()) << Logs();
  ASSERT_TRUE(Eventually([&] { return aggregator.SawPayload("own"); }, kWait)) << Logs();

  // MQTT 3.1.1 cannot refuse a publish: the broker acknowledges it like any other, and the
  // connection stays up. So the agent cannot notice.
  EXPECT_TRUE(Publish(*alpha, "ftel/v1/node/beta/edge-1/report", "spoof").ok()) << Logs();
  EXPECT_TRUE(alpha->IsConnected());

  // mosquitto routes a message to its subscribers before it sends the PUBACK, and the spoof was
  // acknowledged before this marker was sent: had the spoof been delivered, it would be here.
  ASSERT_TRUE(Publish(*alpha, "ftel/v1/node/alpha/edge-1/report", "own-2").ok()) << Logs();
  ASSERT_TRUE(Eventually([&] { return aggregator.SawPayload("own-2"); }, kWait)) << Logs();
  EXPECT_FALSE(aggregator.SawPayload("spoof")) << aggregator.Describe() << Logs();
  EXPECT_TRUE(aggregator.On("ftel/v1/node/beta/edge-1/report").empty()) << aggregator.Describe();
}

TEST_F(BrokerAclTest, OnlyTheAggregatorMayPublishResults) {
  LoggedInObserver dashboard;
  ASSERT_TRUE(dashboard
                  .Start(broker_->uri(), "test-dashboard-observer", "dashboard", kDashboardPassword,
                         "ftel/v1/rates/#")
                  .ok())
      << Logs();
  std::unique_ptr<MqttTransport> alpha = Login("test-alpha", "alpha.edge-1", kAlphaPassword);
  std::unique_ptr<MqttTransport> reader = Login("test-dashboard", "dashboard", kDashboardPassword);
  std::unique_ptr<MqttTransport> aggregator =
      Login("test-aggregator", "ftel-aggregator", kAggregatorPassword);
  ASSERT_TRUE(alpha != nullptr && reader != nullptr && aggregator != nullptr);

  // Neither an agent nor a dashboard may write a result; both are acknowledged all the same.
  EXPECT_TRUE(Publish(*alpha, "ftel/v1/rates/fleet", "from-agent", true).ok()) << Logs();
  EXPECT_TRUE(Publish(*reader, "ftel/v1/rates/fleet", "from-dashboard", true).ok()) << Logs();
  // Published after both were acknowledged, so it arrives after them had they got through.
  ASSERT_TRUE(Publish(*aggregator, "ftel/v1/rates/fleet", "from-aggregator", true).ok()) << Logs();

  ASSERT_TRUE(Eventually([&] { return dashboard.SawPayload("from-aggregator"); }, kWait))
      << dashboard.Describe() << Logs();
  EXPECT_FALSE(dashboard.SawPayload("from-agent")) << dashboard.Describe() << Logs();
  EXPECT_FALSE(dashboard.SawPayload("from-dashboard")) << dashboard.Describe() << Logs();

  // A dashboard arriving later gets the aggregator's result as the retained value.
  LoggedInObserver late;
  ASSERT_TRUE(late.Start(broker_->uri(), "test-dashboard-late", "dashboard", kDashboardPassword,
                         "ftel/v1/rates/#")
                  .ok());
  ASSERT_TRUE(Eventually([&] { return !late.On("ftel/v1/rates/fleet").empty(); }, kWait)) << Logs();
  const MqttMessage retained = late.On("ftel/v1/rates/fleet").front();
  EXPECT_EQ(retained.payload, "from-aggregator");
  EXPECT_TRUE(retained.retained);
}

TEST_F(BrokerAclTest, WrongPasswordIsRefused) {
  std::unique_ptr<MqttTransport> client =
      NewPahoMqttTransport(broker_->uri(), "test-wrong-password");
  MqttConnectOptions options;
  options.username = "alpha.edge-1";
  options.password = "not-the-password";
  options.connect_timeout_s = 5;
  const absl::Status status = client->Connect(options);
  ASSERT_FALSE(status.ok()) << Logs();
  EXPECT_THAT(std::string(status.message()), HasSubstr(broker_->uri()));
  EXPECT_FALSE(client->IsConnected());

  // The control: the same user with the right password gets in.
  EXPECT_NE(Login("test-right-password", "alpha.edge-1", kAlphaPassword), nullptr);
}

TEST_F(BrokerAclTest, AnonymousClientIsRefused) {
  std::unique_ptr<MqttTransport> client = NewPahoMqttTransport(broker_->uri(), "test-anonymous");
  MqttConnectOptions options;
  options.connect_timeout_s = 5;
  const absl::Status status = client->Connect(options);
  EXPECT_FALSE(status.ok()) << "the base config's allow_anonymous true was not overridden\n"
                            << Logs();
  EXPECT_THAT(std::string(status.message()), HasSubstr(broker_->uri()));
}

// With MQTT 3.1.1 the broker acknowledges a publish its ACL forbids and drops
// it. Such reports must stay in the agent's spool, uncommitted, not vanish.
TEST_F(BrokerAclTest, ReportsTheBrokerDropsStayInTheSpool) {
  LoggedInObserver aggregator;
  ASSERT_NO_FATAL_FAILURE(WatchAsAggregator(aggregator));
  // Agent alpha logs in as beta, whose ACL covers only beta's topics.
  ASSERT_NO_FATAL_FAILURE(StartAlphaAgent("beta.edge-1", kBetaPassword));
  ASSERT_TRUE(
      Eventually([&] { return agent_->Log().find("connected to") != std::string::npos; }, kWait))
      << Logs();
  absl::SleepFor(absl::Seconds(2));  // about ten windows, each acknowledged and dropped
  agent_->Signal(SIGTERM);
  ASSERT_EQ(agent_->WaitForExit(absl::Seconds(15)), std::optional<int>(0)) << Logs();
  const std::string log = agent_->Log();
  const uint64_t acknowledged = NumberBefore(log, " acknowledged");
  const uint64_t left = NumberBefore(log, " left in the spool");
  std::printf(
      "[fault] ACL drops every report: acknowledged=%llu delivered=%zu left_in_spool=%llu\n",
      static_cast<unsigned long long>(acknowledged),
      aggregator.On("ftel/v1/node/alpha/edge-1/report").size(),
      static_cast<unsigned long long>(left));
  EXPECT_TRUE(aggregator.On("ftel/v1/node/alpha/edge-1/report").empty()) << "the ACL works";
  EXPECT_GE(acknowledged, 5u) << log;
  EXPECT_GE(left, acknowledged) << "acknowledged by the broker, yet kept: nothing committed it";
}

TEST_F(BrokerAclTest, RealAgentWithCredentialsReports) {
  LoggedInObserver aggregator;
  ASSERT_NO_FATAL_FAILURE(WatchAsAggregator(aggregator));
  ASSERT_NO_FATAL_FAILURE(StartAlphaAgent("alpha.edge-1", kAlphaPassword));

  const std::string status_topic = "ftel/v1/node/alpha/edge-1/status";
  const std::string report_topic = "ftel/v1/node/alpha/edge-1/report";
  ASSERT_TRUE(Eventually(
      [&] {
        return !aggregator.On(status_topic).empty() && aggregator.On(report_topic).size() >= 2;
      },
      kWait))
      << aggregator.Describe() << Logs();
  EXPECT_THAT(agent_->Log(), HasSubstr(absl::StrCat("connected to ", broker_->uri())));

  v1::NodeStatus status;
  ASSERT_TRUE(status.ParseFromString(aggregator.On(status_topic).front().payload));
  EXPECT_EQ(status.state(), v1::NodeStatus::ONLINE);
  EXPECT_EQ(status.identity().factory_id(), "alpha");
  for (const MqttMessage& message : aggregator.On(report_topic)) {
    v1::Report report;
    ASSERT_TRUE(report.ParseFromString(message.payload));
    EXPECT_EQ(report.identity().factory_id(), "alpha");
    EXPECT_EQ(report.identity().node_id(), "edge-1");
    EXPECT_EQ(report.session_id(), status.session_id());
  }

  // The ONLINE status went out retained: an aggregator that subscribes later still gets it.
  LoggedInObserver late;
  ASSERT_TRUE(late.Start(broker_->uri(), "test-aggregator-late", "ftel-aggregator",
                         kAggregatorPassword, "ftel/v1/node/+/+/status")
                  .ok());
  ASSERT_TRUE(Eventually([&] { return !late.On(status_topic).empty(); }, kWait)) << Logs();
  const MqttMessage retained = late.On(status_topic).front();
  EXPECT_TRUE(retained.retained);
  v1::NodeStatus retained_status;
  ASSERT_TRUE(retained_status.ParseFromString(retained.payload));
  EXPECT_EQ(retained_status.state(), v1::NodeStatus::ONLINE);
}

#ifdef FTEL_AGGREGATOR_BIN

// No HTTP endpoint: its default port may be taken by another test's aggregator.
constexpr char kAggregatorConfig[] = R"(broker: {uri: 'URI', client_id: test-aggregator}
catalogue_path: CATALOGUE
publish_min_interval_ms: 100
state_file: aggregator.db
http_listen: 'off'
)";

// A valid report from `factory_id`/edge-1 for the second before now.
std::string MakeReport(const std::string& factory_id, uint64_t sequence) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory_id);
  report.mutable_identity()->set_node_id("edge-1");
  report.mutable_identity()->set_factory_name("Beta Machinery");
  report.set_session_id(0x5eed);
  report.set_sequence(sequence);
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  report.set_window_start_ms(now_ms - 1000);
  report.set_window_end_ms(now_ms);
  v1::ScenarioCoverage* scenario = report.add_scenarios();
  scenario->set_catalogue_id("PM-01");
  scenario->set_link("PM");
  scenario->set_built(true);
  scenario->set_ai_declared(true);
  scenario->mutable_evidence()->set_inference_count(5);
  return report.SerializeAsString();
}

// The broker's ACL decides who may write a node's topic; the aggregator checks that what is
// written there speaks for that node. Here the broker is open, as a broker without an ACL is.
TEST(AggregatorIdentityTest, RejectsAPayloadWhoseIdentityDoesNotMatchItsTopic) {
  TempDir dir;
  auto started = BrokerProcess::Start(dir);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<BrokerProcess> broker = *std::move(started);
  const std::string config_path = dir.WriteFile(
      "aggregator.yaml",
      absl::StrReplaceAll(
          kAggregatorConfig,
          {{"URI", broker->uri()}, {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
  auto run = ChildProcess::Start(ProgramCommand(FTEL_AGGREGATOR_BIN, {"--config", config_path}),
                                 dir.path() + "/aggregator.log");
  ASSERT_TRUE(run.ok()) << run.status();
  std::unique_ptr<ChildProcess> aggregator = *std::move(run);
  auto logs = [&] {
    return absl::StrCat("aggregator log:\n", aggregator->Log(), "\nbroker log:\n",
                        broker->process().Log());
  };
  ASSERT_TRUE(Eventually([&] { return absl::StrContains(aggregator->Log(), "subscribed"); }, kWait))
      << logs();

  TopicRecorder results;
  ASSERT_TRUE(results.Start(broker->uri(), "ftel/v1/rates/#").ok()) << logs();
  std::unique_ptr<MqttTransport> spoofer = NewPahoMqttTransport(broker->uri(), "test-spoofer");
  ASSERT_TRUE(spoofer->Connect(MqttConnectOptions{}).ok()) << logs();

  // beta's report on alpha's topic.
  ASSERT_TRUE(Publish(*spoofer, "ftel/v1/node/alpha/edge-1/report", MakeReport("beta", 1)).ok())
      << logs();
  ASSERT_TRUE(Eventually(
      [&] { return absl::StrContains(aggregator->Log(), "rejected (identity_mismatch"); },
      absl::Seconds(10)))
      << logs();
  EXPECT_THAT(aggregator->Log(),
              HasSubstr("on ftel/v1/node/alpha/edge-1/report: payload names beta/edge-1"));
  // Several of the aggregator's 100 ms recompute intervals: had the report counted, a factory
  // result would be out by now.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_FALSE(results.Get("ftel/v1/rates/factory/beta").has_value()) << logs();
  EXPECT_FALSE(results.Get("ftel/v1/rates/factory/alpha").has_value()) << logs();

  // The control: beta's next report, on beta's own topic, is counted. So the aggregator was
  // listening, and the rejected report was not counted for anyone.
  ASSERT_TRUE(Publish(*spoofer, "ftel/v1/node/beta/edge-1/report", MakeReport("beta", 2)).ok())
      << logs();
  std::optional<v1::FactorySummary> beta;
  ASSERT_TRUE(Eventually(
      [&] {
        beta = results.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/beta");
        return beta.has_value();
      },
      kWait))
      << logs();
  EXPECT_EQ(beta->reports(), 1u);
  EXPECT_EQ(beta->duplicates(), 0u);
  EXPECT_FALSE(results.Get("ftel/v1/rates/factory/alpha").has_value()) << logs();
}

#endif  // FTEL_AGGREGATOR_BIN

}  // namespace
}  // namespace ftel
