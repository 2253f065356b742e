// The agent against a real mosquitto with TLS listeners: it connects only when
// it trusts the broker's CA (and, for mutual TLS, presents its certificate),
// and when it cannot connect, its log says why while it keeps running and
// spooling. A plain listener on the same broker lets the test watch the topics.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "tests/integration/cell_agent_config.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificates.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// BROKER is the body of the broker section. FACTORY names the agent: its
// factory id (so its topics and MQTT client id are its own) and its spool.
// Reconnects are fast so that a refused agent retries several times within a
// test, and a short connect timeout keeps any hung handshake within the waits.
const std::string kConfig = CellAgentConfig(
    R"(broker: {BROKER, reconnect_min_ms: 100, reconnect_max_ms: 500, connect_timeout_s: 3}
identity: {factory_id: FACTORY, node_id: edge-1, factory_name: TLS Cells, sector: electronics, region: sichuan}
spool: {dir: spool-FACTORY}
)");

// Every wait is bounded well inside the integration tests' 120 s timeout.
constexpr absl::Duration kWait = absl::Seconds(15);
// How long a refused agent is watched after its first failure: several
// reconnect attempts at 100..500 ms, none of which may get through.
constexpr absl::Duration kRetries = absl::Seconds(2);

// `count` ports that were free a moment ago and differ from each other, since
// two listeners of one broker cannot share a port.
std::vector<int> DistinctFreePorts(size_t count) {
  std::vector<int> ports;
  for (int attempt = 0; attempt < 100 && ports.size() < count; ++attempt) {
    const int port = FreeLoopbackPort();
    if (port != 0 && std::find(ports.begin(), ports.end(), port) == ports.end()) {
      ports.push_back(port);
    }
  }
  return ports;
}

int Occurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = MakeTestPki(dir_);
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *std::move(pki);

    const std::vector<int> ports = DistinctFreePorts(3);
    ASSERT_EQ(ports.size(), 3u);
    tls_port_ = ports[1];
    mtls_port_ = ports[2];
    const std::string server_files =
        absl::StrCat("cafile ", pki_.ca_cert, "\ncertfile ", pki_.server_cert, "\nkeyfile ",
                     pki_.server_key, "\n");
    // Without per_listener_settings, the base config's allow_anonymous applies
    // to these listeners too: TLS here authenticates, it does not authorize.
    // (BrokerProcess runs mosquitto as root, so it can read the test's certificates.)
    const std::string extra_config = absl::StrCat(
        // Server-authenticated TLS.
        "listener ", tls_port_, " 127.0.0.1\n", server_files,
        // Mutual TLS: a client without a certificate from the CA is refused.
        "listener ", mtls_port_, " 127.0.0.1\n", server_files, "require_certificate true\n");
    auto broker = BrokerProcess::Start(dir_, extra_config, ports[0]);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    // Start() waits for the plain listener only. An agent that found a TLS
    // port not yet open would log "connection refused" as its one warning of
    // the outage, and the certificate error would never be logged.
    ASSERT_TRUE(WaitForPort(tls_port_, absl::Seconds(10))) << broker_->process().Log();
    ASSERT_TRUE(WaitForPort(mtls_port_, absl::Seconds(10))) << broker_->process().Log();
    ASSERT_TRUE(recorder_.Start(broker_->uri()).ok());
  }

  static std::string SslUri(int port) { return absl::StrCat("ssl://127.0.0.1:", port); }

  // The broker section's body for `uri` with a tls section of `tls` (YAML).
  static std::string BrokerSection(const std::string& uri, const std::string& tls = "") {
    std::string section = absl::StrCat("uri: '", uri, "'");
    if (!tls.empty()) absl::StrAppend(&section, ", tls: {", tls, "}");
    return section;
  }

  // Starts the agent `name` (see kConfig) with `broker` as its broker section.
  std::unique_ptr<ChildProcess> StartAgent(const std::string& name, const std::string& broker) {
    const std::string config_path = dir_.WriteFile(
        name + ".yaml",
        absl::StrReplaceAll(kConfig,
                            {{"BROKER", broker},
                             {"FACTORY", name},
                             {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
    auto agent = ChildProcess::Start(ProgramCommand(FTEL_AGENT_BIN, {"--config", config_path}),
                                     absl::StrCat(dir_.path(), "/agent-", name, ".log"));
    EXPECT_TRUE(agent.ok()) << agent.status();
    return agent.ok() ? *std::move(agent) : nullptr;
  }

  // What to print when an assertion about `agent` fails.
  std::string Logs(const ChildProcess& agent) {
    return absl::StrCat("agent log:\n", agent.Log(), "\nbroker log:\n", broker_->process().Log());
  }

  // The topics of every message the recorder saw from agent `name`.
  std::vector<std::string> TopicsOf(const std::string& name) {
    const std::string prefix = absl::StrCat("ftel/v1/node/", name, "/");
    std::vector<std::string> topics;
    for (const MqttMessage& message : recorder_.All()) {
      if (absl::StartsWith(message.topic, prefix)) topics.push_back(message.topic);
    }
    return topics;
  }

  std::vector<v1::Report> Reports(const std::string& name) {
    const std::string topic = absl::StrCat("ftel/v1/node/", name, "/edge-1/report");
    std::vector<v1::Report> reports;
    for (const MqttMessage& message : recorder_.All()) {
      if (message.topic != topic) continue;
      v1::Report report;
      EXPECT_TRUE(report.ParseFromString(message.payload));
      reports.push_back(report);
    }
    return reports;
  }

  // Waits for the agent's ONLINE status and `n` reports, and checks that the
  // reports are its own.
  void ExpectOnlineAndReporting(const std::string& name, const ChildProcess& agent, size_t n) {
    std::optional<v1::NodeStatus> status;
    ASSERT_TRUE(Eventually(
        [&] {
          status = recorder_.GetStatus(name);
          return status.has_value();
        },
        kWait))
        << Logs(agent);
    EXPECT_EQ(status->state(), v1::NodeStatus::ONLINE) << Logs(agent);
    ASSERT_TRUE(Eventually([&] { return Reports(name).size() >= n; }, kWait)) << Logs(agent);
    for (const v1::Report& report : Reports(name)) {
      EXPECT_EQ(report.identity().factory_id(), name);
      EXPECT_EQ(report.session_id(), status->session_id());
    }
  }

  // Waits until the agent's log contains `needle`, and returns the log.
  std::string WaitForLog(const ChildProcess& agent, const std::string& needle) {
    EXPECT_TRUE(Eventually([&] { return absl::StrContains(agent.Log(), needle); }, kWait))
        << "no '" << needle << "' in the log\n"
        << Logs(agent);
    return agent.Log();
  }

  // A refused agent keeps running, keeps its reports, and gets nothing through.
  void ExpectStillRefused(const std::string& name, ChildProcess& agent) {
    absl::SleepFor(kRetries);
    EXPECT_FALSE(agent.WaitForExit(absl::ZeroDuration()).has_value()) << Logs(agent);
    EXPECT_THAT(TopicsOf(name), IsEmpty()) << Logs(agent);
  }

  TempDir dir_;
  TestPki pki_;
  int tls_port_ = 0;
  int mtls_port_ = 0;
  std::unique_ptr<BrokerProcess> broker_;
  TopicRecorder recorder_;
};

TEST_F(TlsTest, AgentConnectsWithTheRightCa) {
  std::unique_ptr<ChildProcess> agent = StartAgent(
      "right-ca", BrokerSection(SslUri(tls_port_), absl::StrCat("ca_file: '", pki_.ca_cert, "'")));
  ASSERT_NE(agent, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectOnlineAndReporting("right-ca", *agent, 2));
  EXPECT_THAT(agent->Log(), HasSubstr(absl::StrCat("connected to ", SslUri(tls_port_))));

  // The status went out retained over TLS: a subscriber arriving later on the
  // plain listener still learns that the node is online.
  TopicRecorder late;
  ASSERT_TRUE(late.Start(broker_->uri(), "ftel/v1/node/+/+/status").ok());
  EXPECT_TRUE(Eventually(
      [&] {
        std::optional<v1::NodeStatus> seen = late.GetStatus("right-ca");
        return seen.has_value() && seen->state() == v1::NodeStatus::ONLINE;
      },
      kWait))
      << Logs(*agent);
}

TEST_F(TlsTest, MutualTlsWithClientCertificate) {
  std::unique_ptr<ChildProcess> agent = StartAgent(
      "mtls",
      BrokerSection(SslUri(mtls_port_),
                    absl::StrCat("ca_file: '", pki_.ca_cert, "', cert_file: '", pki_.client_cert,
                                 "', key_file: '", pki_.client_key, "'")));
  ASSERT_NE(agent, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectOnlineAndReporting("mtls", *agent, 2));
  EXPECT_THAT(agent->Log(), HasSubstr(absl::StrCat("connected to ", SslUri(mtls_port_))));
}

// The control for the test above: the mutual-TLS listener really does refuse
// an agent that trusts the broker but has no certificate of its own. (With TLS
// 1.3 the broker rejects the client after the client's handshake has finished,
// so how Paho words the failure varies; only the URI and "failed" are checked.)
TEST_F(TlsTest, MutualTlsRefusesAnAgentWithoutAClientCertificate) {
  const std::string uri = SslUri(mtls_port_);
  std::unique_ptr<ChildProcess> agent =
      StartAgent("no-cert", BrokerSection(uri, absl::StrCat("ca_file: '", pki_.ca_cert, "'")));
  ASSERT_NE(agent, nullptr);
  const std::string log = WaitForLog(*agent, absl::StrCat("connect to ", uri, " failed"));
  EXPECT_THAT(log, HasSubstr("reports are kept in the spool"));
  ExpectStillRefused("no-cert", *agent);
}

TEST_F(TlsTest, WrongCaIsRefusedWithAClearError) {
  const std::string uri = SslUri(tls_port_);
  std::unique_ptr<ChildProcess> agent = StartAgent(
      "wrong-ca", BrokerSection(uri, absl::StrCat("ca_file: '", pki_.other_ca_cert, "'")));
  ASSERT_NE(agent, nullptr);
  const std::string failed = absl::StrCat("connect to ", uri, " failed");
  const std::string log = WaitForLog(*agent, failed);
  ASSERT_THAT(log, HasSubstr(failed));
  // The cause must name the certificate (OpenSSL: "certificate verify
  // failed"), not only Paho's generic "TCP/TLS connect failure", which would
  // also match a check for "TLS". It may span lines: OpenSSL's error text ends
  // in a newline.
  const std::string warning = log.substr(log.find(failed));
  EXPECT_THAT(absl::AsciiStrToLower(warning), HasSubstr("certificate")) << Logs(*agent);
  EXPECT_THAT(warning, HasSubstr("reports are kept in the spool")) << Logs(*agent);
  ExpectStillRefused("wrong-ca", *agent);
  // One warning per outage, not one per reconnect attempt.
  EXPECT_EQ(Occurrences(agent->Log(), failed), 1) << Logs(*agent);
}

TEST_F(TlsTest, PlaintextToTheTlsPortFailsWithAClearError) {
  const std::string uri = absl::StrCat("tcp://127.0.0.1:", tls_port_);
  std::unique_ptr<ChildProcess> agent = StartAgent("plaintext", BrokerSection(uri));
  ASSERT_NE(agent, nullptr);
  const std::string log = WaitForLog(*agent, absl::StrCat("connect to ", uri, " failed"));
  EXPECT_THAT(log, HasSubstr("reports are kept in the spool"));
  ExpectStillRefused("plaintext", *agent);
}

TEST_F(TlsTest, MissingCaFileIsAConfigError) {
  std::unique_ptr<ChildProcess> agent = StartAgent("no-ca", BrokerSection(SslUri(tls_port_)));
  ASSERT_NE(agent, nullptr);
  const std::optional<int> code = agent->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(code.has_value()) << "still running\n" << Logs(*agent);
  EXPECT_EQ(*code, 2) << Logs(*agent);
  EXPECT_THAT(agent->Log(), HasSubstr("broker.tls.ca_file: is required for ssl:// brokers"));
  EXPECT_THAT(TopicsOf("no-ca"), IsEmpty());
}

}  // namespace
}  // namespace ftel
