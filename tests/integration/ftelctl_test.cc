// The real ftelctl binary: its command line (--help per command, --version,
// --opt=value, unknown options, bad numbers), and decode and fleet against a
// real mosquitto over TLS, with and without a client certificate, and with a
// login. A refused connection must exit non-zero with one line that names the
// cause.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/schema/proto_json.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificates.h"

namespace ftel {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The factory whose retained status and results the brokers hold.
constexpr char kFactory[] = "tls-works";
constexpr char kStatusTopic[] = "ftel/v1/node/tls-works/edge-1/status";

struct Outcome {
  std::optional<int> code;  // nullopt: still running after the wait
  std::string output;       // stdout and stderr

  // The lines of output, without the empty one after the last newline.
  std::vector<std::string> Lines() const { return absl::StrSplit(output, '\n', absl::SkipEmpty()); }
};

// Runs ftelctl with `args`, with `env` ("NAME=value") added to its
// environment, and waits for it to exit.
Outcome RunFtelctl(const TempDir& dir, const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {}) {
  static int runs = 0;
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
  const std::vector<std::string> program = ProgramCommand(FTEL_FTELCTL_BIN, args);
  argv.insert(argv.end(), program.begin(), program.end());
  auto run = ChildProcess::Start(argv, absl::StrCat(dir.path(), "/ftelctl-", ++runs, ".log"));
  if (!run.ok()) return Outcome{std::nullopt, std::string(run.status().message())};
  Outcome outcome;
  outcome.code = (*run)->WaitForExit(absl::Seconds(40));
  outcome.output = (*run)->Log();
  return outcome;
}

// `count` ports that were free a moment ago and differ from each other.
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

std::string SslUri(int port) { return absl::StrCat("ssl://127.0.0.1:", port); }

// Publishes the factory's retained status (binary, for decode) and results
// (JSON, for fleet) through the plain listener at `uri`.
absl::Status PublishFactory(const std::string& uri, const std::string& username = "",
                            const std::string& password = "") {
  std::unique_ptr<MqttTransport> client = NewPahoMqttTransport(uri, "test-publisher");
  MqttConnectOptions options;
  options.username = username;
  options.password = password;
  if (absl::Status connected = client->Connect(options); !connected.ok()) return connected;
  v1::NodeStatus status;
  status.mutable_identity()->set_factory_id(kFactory);
  status.mutable_identity()->set_node_id("edge-1");
  status.set_state(v1::NodeStatus::ONLINE);
  v1::FactorySummary factory;
  factory.set_factory_id(kFactory);
  factory.set_factory_name("TLS Works");
  factory.set_online(true);
  v1::GroupSummary fleet;
  fleet.set_factories(1);
  fleet.set_factories_online(1);
  const absl::Duration wait = absl::Seconds(10);
  for (const MqttMessage& message :
       {MqttMessage{kStatusTopic, status.SerializeAsString(), 1, true},
        MqttMessage{absl::StrCat("ftel/v1/rates/factory/", kFactory), ToJson(factory), 1, true},
        MqttMessage{"ftel/v1/rates/fleet", ToJson(fleet), 1, true}}) {
    if (absl::Status sent = PublishAndWait(*client, message, wait); !sent.ok()) return sent;
  }
  return client->Disconnect(absl::Seconds(2));
}

// decode's arguments for one retained message from the broker at `uri`.
std::vector<std::string> DecodeArgs(const std::string& uri, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"decode",  "--broker", uri,           "--topic", kStatusTopic,
                                   "--count", "1",        "--timeout-s", "20"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// fleet's arguments for three tables, half a second apart.
std::vector<std::string> FleetArgs(const std::string& uri, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"fleet", "--broker", uri, "--count", "3", "--refresh-s", "0.5"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// What decode prints for the factory's status.
const auto kDecodedStatus =
    AllOf(HasSubstr(absl::StrCat("{\"topic\":\"", kStatusTopic, "\"")),
          HasSubstr("\"type\":\"ftel.v1.NodeStatus\""), HasSubstr("\"state\":\"ONLINE\""));
// What fleet's last table shows for it: its row, and the fleet's line instead
// of the wait for the aggregator.
const auto kFleetTable = AllOf(HasSubstr("tls-works"), HasSubstr("TLS Works"),
                               HasSubstr("FLEET (pooled)"), Not(HasSubstr("waiting for")));

// The last of the tables fleet printed (each starts with its title).
std::string LastTable(const std::string& output) {
  const size_t start = output.rfind("ftel fleet  ");
  return start == std::string::npos ? "" : output.substr(start);
}

// A refused connection: exit 1 with exactly one line, naming the URI and `cause`.
void ExpectRefused(const Outcome& run, const std::string& command, const std::string& uri,
                   const std::string& cause) {
  EXPECT_EQ(run.code, std::optional<int>(1)) << run.output;
  ASSERT_EQ(run.Lines().size(), 1u) << run.output;
  EXPECT_THAT(run.Lines()[0],
              AllOf(HasSubstr(absl::StrCat("ftelctl ", command, ": connect to ", uri, " failed: ")),
                    HasSubstr(cause)));
}

// A mosquitto with a plain listener (for the test's publisher), one with
// server-authenticated TLS and one with mutual TLS.
class FtelctlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = MakeTestPki(dir_);
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *std::move(pki);
    const std::vector<int> ports = DistinctFreePorts(3);
    ASSERT_EQ(ports.size(), 3u);
    tls_uri_ = SslUri(ports[1]);
    mtls_uri_ = SslUri(ports[2]);
    const std::string server_files =
        absl::StrCat("cafile ", pki_.ca_cert, "\ncertfile ", pki_.server_cert, "\nkeyfile ",
                     pki_.server_key, "\n");
    auto broker = BrokerProcess::Start(
        dir_,
        absl::StrCat("listener ", ports[1], " 127.0.0.1\n", server_files, "listener ", ports[2],
                     " 127.0.0.1\n", server_files, "require_certificate true\n"),
        ports[0]);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(WaitForPort(ports[1], absl::Seconds(10))) << broker_->process().Log();
    ASSERT_TRUE(WaitForPort(ports[2], absl::Seconds(10))) << broker_->process().Log();
    const absl::Status published = PublishFactory(broker_->uri());
    ASSERT_TRUE(published.ok()) << published;
  }

  std::vector<std::string> Ca() const { return {"--ca-file", pki_.ca_cert}; }
  std::vector<std::string> CaAndCertificate() const {
    return {"--ca-file",      pki_.ca_cert, "--cert-file",
            pki_.client_cert, "--key-file", pki_.client_key};
  }

  TempDir dir_;
  TestPki pki_;
  std::string tls_uri_;
  std::string mtls_uri_;
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_F(FtelctlTlsTest, DecodeAndFleetWithACaFile) {
  const Outcome decode = RunFtelctl(dir_, DecodeArgs(tls_uri_, Ca()));
  EXPECT_EQ(decode.code, std::optional<int>(0)) << decode.output;
  EXPECT_THAT(decode.output, kDecodedStatus);

  const Outcome fleet = RunFtelctl(dir_, FleetArgs(tls_uri_, Ca()));
  EXPECT_EQ(fleet.code, std::optional<int>(0)) << fleet.output;
  EXPECT_THAT(LastTable(fleet.output), kFleetTable) << fleet.output;
}

TEST_F(FtelctlTlsTest, DecodeAndFleetWithAClientCertificate) {
  const Outcome decode = RunFtelctl(dir_, DecodeArgs(mtls_uri_, CaAndCertificate()));
  EXPECT_EQ(decode.code, std::optional<int>(0)) << decode.output;
  EXPECT_THAT(decode.output, kDecodedStatus);

  const Outcome fleet = RunFtelctl(dir_, FleetArgs(mtls_uri_, CaAndCertificate()));
  EXPECT_EQ(fleet.code, std::optional<int>(0)) << fleet.output;
  EXPECT_THAT(LastTable(fleet.output), kFleetTable) << fleet.output;
}

// The control for the test above: the same listener refuses a client without
// a certificate, and ftelctl says that this is why.
TEST_F(FtelctlTlsTest, WithoutAClientCertificateTheRefusalSaysSo) {
  const std::string cause = "the broker requires a client certificate: give --cert-file";
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(mtls_uri_, Ca())), "decode", mtls_uri_, cause);
  ExpectRefused(RunFtelctl(dir_, FleetArgs(mtls_uri_, Ca())), "fleet", mtls_uri_, cause);
}

TEST_F(FtelctlTlsTest, AnUntrustedServerCertificateIsNamed) {
  const Outcome run = RunFtelctl(dir_, DecodeArgs(tls_uri_, {"--ca-file", pki_.other_ca_cert}));
  ExpectRefused(run, "decode", tls_uri_,
                absl::StrCat("the broker's certificate is not trusted by --ca-file '",
                             pki_.other_ca_cert, "'"));
}

TEST_F(FtelctlTlsTest, AnSslUriToThePlainPortAndATcpUriToTheTlsPortAreNamed) {
  const std::string plain_as_ssl = SslUri(broker_->port());
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(plain_as_ssl, Ca())), "decode", plain_as_ssl,
                "a plain MQTT port? (then use tcp://)");
  const std::string tls_as_tcp = absl::StrCat("tcp://", tls_uri_.substr(6));
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(tls_as_tcp)), "decode", tls_as_tcp,
                "is a TLS port: use ssl:// and --ca-file");
}

TEST_F(FtelctlTlsTest, OptionProblemsAreUsageErrorsNamingTheOption) {
  const Outcome no_ca = RunFtelctl(dir_, DecodeArgs(tls_uri_));
  EXPECT_EQ(no_ca.code, std::optional<int>(2)) << no_ca.output;
  EXPECT_THAT(no_ca.output, HasSubstr("ftelctl decode: --ca-file: is required for ssl:// brokers"));

  const Outcome half_pair = RunFtelctl(
      dir_, FleetArgs(mtls_uri_, {"--ca-file", pki_.ca_cert, "--cert-file", pki_.client_cert}));
  EXPECT_EQ(half_pair.code, std::optional<int>(2)) << half_pair.output;
  EXPECT_THAT(half_pair.output,
              HasSubstr("ftelctl fleet: --key-file: --cert-file and --key-file go together"));

  const Outcome mqtts = RunFtelctl(dir_, DecodeArgs("mqtts://127.0.0.1:8883", Ca()));
  EXPECT_EQ(mqtts.code, std::optional<int>(2)) << mqtts.output;
  EXPECT_THAT(mqtts.output, HasSubstr("--broker: must start with tcp:// or ssl://"));
}

sockaddr_in6 Ipv6Loopback(int port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(static_cast<uint16_t>(port));
  address.sin6_addr = in6addr_loopback;
  return address;
}

// Whether this machine has an IPv6 loopback to listen on.
bool HasIpv6Loopback() {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address = Ipv6Loopback(0);
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return bound;
}

// True once something accepts TCP connections on [::1]:port.
bool WaitForIpv6Port(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const int fd = socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 address = Ipv6Loopback(port);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    close(fd);
    if (up) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

// The broker's certificate names 127.0.0.1 and localhost, not ::1: reached
// as [::1], the hostname check refuses it, and the option turns that off.
TEST_F(FtelctlTlsTest, TheHostnameCheckAndTheOptionThatSkipsIt) {
  if (!HasIpv6Loopback()) GTEST_SKIP() << "no IPv6 loopback here";
  const int port = FreeLoopbackPort();
  TempDir other;
  auto broker = BrokerProcess::Start(
      other, absl::StrCat("listener ", port, " ::1\ncafile ", pki_.ca_cert, "\ncertfile ",
                          pki_.server_cert, "\nkeyfile ", pki_.server_key, "\n"));
  ASSERT_TRUE(broker.ok()) << broker.status();
  ASSERT_TRUE(WaitForIpv6Port(port, absl::Seconds(10))) << (*broker)->process().Log();
  const absl::Status published = PublishFactory((*broker)->uri());
  ASSERT_TRUE(published.ok()) << published;
  const std::string uri = absl::StrCat("ssl://[::1]:", port);
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(uri, Ca())), "decode", uri,
                "the broker's certificate does not name '::1'");

  std::vector<std::string> skip = Ca();
  skip.push_back("--insecure-no-hostname-check");
  const Outcome run = RunFtelctl(dir_, DecodeArgs(uri, skip));
  EXPECT_EQ(run.code, std::optional<int>(0)) << run.output;
  EXPECT_THAT(run.output, kDecodedStatus);
}

// The environment stands for options the command line does not give, and
// the command line wins over it.
TEST_F(FtelctlTlsTest, BrokerOptionsFromTheEnvironment) {
  const Outcome from_env =
      RunFtelctl(dir_, {"decode", "--topic", kStatusTopic, "--count", "1", "--timeout-s", "20"},
                 {"FTEL_BROKER=" + mtls_uri_, "FTEL_CA_FILE=" + pki_.ca_cert,
                  "FTEL_CERT_FILE=" + pki_.client_cert, "FTEL_KEY_FILE=" + pki_.client_key});
  EXPECT_EQ(from_env.code, std::optional<int>(0)) << from_env.output;
  EXPECT_THAT(from_env.output, kDecodedStatus);

  const Outcome overridden = RunFtelctl(dir_, DecodeArgs(tls_uri_, {"--ca-file", pki_.ca_cert}),
                                        {"FTEL_CA_FILE=" + pki_.other_ca_cert});
  EXPECT_EQ(overridden.code, std::optional<int>(0)) << overridden.output;
}

// The same options written --opt=value.
TEST_F(FtelctlTlsTest, OptionsWithEqualsSigns) {
  const Outcome run =
      RunFtelctl(dir_, {"decode", "--broker=" + mtls_uri_, "--ca-file=" + pki_.ca_cert,
                        "--cert-file=" + pki_.client_cert, "--key-file=" + pki_.client_key,
                        absl::StrCat("--topic=", kStatusTopic), "--count=1", "--timeout-s=20"});
  EXPECT_EQ(run.code, std::optional<int>(0)) << run.output;
  EXPECT_THAT(run.output, kDecodedStatus);
}

constexpr char kUser[] = "operator";
constexpr char kPassword[] = "operator-secret";

// A mosquitto where every client logs in, on a plain and a TLS listener.
class FtelctlLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestPki> pki = MakeTestPki(dir_);
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *std::move(pki);
    const std::string passwd = dir_.path() + "/ftel.passwd";
    auto made = ChildProcess::Start({"mosquitto_passwd", "-b", "-c", passwd, kUser, kPassword},
                                    dir_.path() + "/mosquitto_passwd.log");
    ASSERT_TRUE(made.ok()) << made.status();
    ASSERT_EQ((*made)->WaitForExit(absl::Seconds(10)), std::optional<int>(0)) << (*made)->Log();
    const std::vector<int> ports = DistinctFreePorts(2);
    ASSERT_EQ(ports.size(), 2u);
    tls_uri_ = SslUri(ports[1]);
    // The base config's allow_anonymous true is overridden by the later line
    // (as in broker_acl_test), for every listener.
    auto broker = BrokerProcess::Start(
        dir_,
        absl::StrCat("allow_anonymous false\npassword_file ", passwd, "\nlistener ", ports[1],
                     " 127.0.0.1\ncafile ", pki_.ca_cert, "\ncertfile ", pki_.server_cert,
                     "\nkeyfile ", pki_.server_key, "\n"),
        ports[0]);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(WaitForPort(ports[1], absl::Seconds(10))) << broker_->process().Log();
    const absl::Status published = PublishFactory(broker_->uri(), kUser, kPassword);
    ASSERT_TRUE(published.ok()) << published;
  }

  // A password file with `password` and the file mode `mode`.
  std::string PasswordFile(const std::string& name, const std::string& password, mode_t mode) {
    const std::string path = dir_.WriteFile(name, absl::StrCat(password, "\n"));
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }

  std::vector<std::string> Login(const std::string& password_file) const {
    return {"--ca-file", pki_.ca_cert, "--username", kUser, "--password-file", password_file};
  }

  TempDir dir_;
  TestPki pki_;
  std::string tls_uri_;
  std::unique_ptr<BrokerProcess> broker_;
};

// Group-readable is fine: docs/security.md installs the secrets 0640 for the
// service's group.
TEST_F(FtelctlLoginTest, TheRightPasswordGetsIn) {
  const std::string file = PasswordFile("right.password", kPassword, 0640);
  const Outcome decode = RunFtelctl(dir_, DecodeArgs(tls_uri_, Login(file)));
  EXPECT_EQ(decode.code, std::optional<int>(0)) << decode.output;
  EXPECT_THAT(decode.output, kDecodedStatus);

  const Outcome fleet = RunFtelctl(dir_, FleetArgs(tls_uri_, Login(file)));
  EXPECT_EQ(fleet.code, std::optional<int>(0)) << fleet.output;
  EXPECT_THAT(LastTable(fleet.output), kFleetTable) << fleet.output;
}

TEST_F(FtelctlLoginTest, AWrongPasswordIsRefusedAndSaysSo) {
  const std::string file = PasswordFile("wrong.password", "not-the-password", 0600);
  const std::string cause = "the broker refused the login of 'operator'";
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(tls_uri_, Login(file))), "decode", tls_uri_, cause);
  ExpectRefused(RunFtelctl(dir_, FleetArgs(tls_uri_, Login(file))), "fleet", tls_uri_, cause);
}

TEST_F(FtelctlLoginTest, NoLoginAtAllIsRefusedAndSaysSo) {
  ExpectRefused(RunFtelctl(dir_, DecodeArgs(broker_->uri())), "decode", broker_->uri(),
                "the broker refused an anonymous login: give --username and --password-file");
}

TEST_F(FtelctlLoginTest, APasswordFileEveryUserMayReadIsRefused) {
  const std::string file = PasswordFile("open.password", kPassword, 0644);
  const Outcome run = RunFtelctl(dir_, DecodeArgs(tls_uri_, Login(file)));
  EXPECT_EQ(run.code, std::optional<int>(2)) << run.output;
  EXPECT_THAT(run.output, HasSubstr(absl::StrCat("ftelctl decode: --password-file: every user may "
                                                 "read '",
                                                 file, "' (mode 0644): chmod o-r it")));
}

TEST_F(FtelctlLoginTest, APasswordIsNeverAnOption) {
  const Outcome run = RunFtelctl(dir_, DecodeArgs(tls_uri_, {"--password", kPassword}));
  EXPECT_EQ(run.code, std::optional<int>(2)) << run.output;
  EXPECT_THAT(run.output, HasSubstr("ftelctl decode: unknown option --password"));
  EXPECT_THAT(run.output, Not(HasSubstr(kPassword)));
}

// The command line without a broker.
TEST(FtelctlCommandLine, VersionIsTheProjectVersion) {
  TempDir dir;
  const Outcome run = RunFtelctl(dir, {"--version"});
  EXPECT_EQ(run.code, std::optional<int>(0));
  EXPECT_EQ(run.output, absl::StrCat("ftelctl ", FTEL_VERSION, "\n"));
}

TEST(FtelctlCommandLine, HelpListsEveryCommand) {
  TempDir dir;
  const Outcome run = RunFtelctl(dir, {"--help"});
  EXPECT_EQ(run.code, std::optional<int>(0)) << run.output;
  for (const char* command :
       {"decode", "fleet", "validate-config", "probe-source", "agent-health", "history"}) {
    EXPECT_THAT(run.output, HasSubstr(absl::StrCat("\n  ", command, " "))) << command;
  }
}

// Each command's --help lists its own options with their defaults.
TEST(FtelctlCommandLine, EachCommandHasItsOwnHelpWithDefaults) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"decode",
       {"Usage: ftelctl decode [OPTIONS]", "--broker URI=tcp://127.0.0.1:1883 (Env:FTEL_BROKER)",
        "--ca-file FILE (Env:FTEL_CA_FILE)", "--cert-file FILE", "--key-file FILE",
        "--username NAME", "--password-file FILE (Env:FTEL_PASSWORD_FILE)",
        "--insecure-no-hostname-check", "--topic FILTER=ftel/#", "--count N=0", "--timeout-s S=0"}},
      {"fleet",
       {"Usage: ftelctl fleet [OPTIONS]", "--broker URI=tcp://127.0.0.1:1883", "--ca-file FILE",
        "--root ROOT=ftel", "--refresh-s S=2", "--count N=0"}},
      {"validate-config",
       {"Usage: ftelctl validate-config [OPTIONS] FILE", "--kind KIND:{agent,aggregator}"}},
      {"probe-source", {"Usage: ftelctl probe-source [OPTIONS] CONFIG SOURCE", "--window-s S=3"}},
      {"agent-health", {"Usage: ftelctl agent-health [OPTIONS] CONFIG"}},
      {"history",
       {"Usage: ftelctl history [OPTIONS]", "--kind KIND:{fleet,link,sector,region,factory}=fleet",
        "--key KEY", "--granularity GRANULARITY:{hour,day}=hour", "--last N=24"}},
  };
  for (const auto& [command, lines] : expected) {
    const Outcome run = RunFtelctl(dir, {command, "--help"});
    EXPECT_EQ(run.code, std::optional<int>(0)) << run.output;
    for (const std::string& line : lines) {
      EXPECT_THAT(run.output, HasSubstr(line)) << command << "\n" << run.output;
    }
  }
  // decode's help is decode's alone.
  const Outcome decode = RunFtelctl(dir, {"decode", "--help"});
  EXPECT_THAT(decode.output, Not(HasSubstr("--refresh-s")));
}

TEST(FtelctlCommandLine, UnknownOptionsAreUsageErrorsNamingThem) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"decode", "--brokr", "tcp://127.0.0.1:1"},
        std::vector<std::string>{"decode", "--brokr=tcp://127.0.0.1:1"},
        std::vector<std::string>{"fleet", "--topic", "ftel/#"}}) {
    const Outcome run = RunFtelctl(dir, args);
    EXPECT_EQ(run.code, std::optional<int>(2)) << run.output;
    const std::string option = args[1].substr(0, args[1].find('='));
    EXPECT_THAT(run.output,
                HasSubstr(absl::StrCat("ftelctl ", args[0], ": unknown option ", option, "\n")));
  }
  const Outcome before = RunFtelctl(dir, {"--verbose", "decode"});
  EXPECT_EQ(before.code, std::optional<int>(2)) << before.output;
  EXPECT_THAT(before.output, HasSubstr("ftelctl: unknown option --verbose"));
}

TEST(FtelctlCommandLine, BadNumbersAreUsageErrorsNamingTheOption) {
  TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"decode", "--count", "ten"}, "ftelctl decode: --count: must be a whole number, 0 or more"},
      {{"decode", "--count", "-1"}, "ftelctl decode: --count: must be a whole number, 0 or more"},
      {{"decode", "--timeout-s=soon"}, "ftelctl decode: --timeout-s: must be a number of seconds"},
      {{"fleet", "--refresh-s", "0"},
       "ftelctl fleet: --refresh-s: must be a number of seconds, "
       "more than 0; got '0'"},
      {{"probe-source", "a.yaml", "plc", "--window-s", "601"},
       "ftelctl probe-source: --window-s: must be a number of seconds, more than 0, at most 600"},
      {{"history", "--last", "0"}, "ftelctl history: --last: must be a whole number, 1 or more"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome run = RunFtelctl(dir, args);
    EXPECT_EQ(run.code, std::optional<int>(2)) << run.output;
    EXPECT_THAT(run.output, HasSubstr(message));
  }
}

TEST(FtelctlCommandLine, MissingAndUnknownCommandsAndArguments) {
  TempDir dir;
  const Outcome none = RunFtelctl(dir, {});
  EXPECT_EQ(none.code, std::optional<int>(2));
  EXPECT_THAT(none.output, HasSubstr("Usage: ftelctl [OPTIONS] SUBCOMMAND"));

  const Outcome unknown = RunFtelctl(dir, {"decod"});
  EXPECT_EQ(unknown.code, std::optional<int>(2));
  EXPECT_THAT(unknown.output, HasSubstr("ftelctl: unknown command 'decod'"));

  const Outcome missing = RunFtelctl(dir, {"probe-source", "agent.yaml"});
  EXPECT_EQ(missing.code, std::optional<int>(2));
  EXPECT_THAT(missing.output, HasSubstr("ftelctl probe-source: SOURCE is required"));

  const Outcome extra = RunFtelctl(dir, {"agent-health", "a.yaml", "b.yaml"});
  EXPECT_EQ(extra.code, std::optional<int>(2));
  EXPECT_THAT(extra.output, HasSubstr("ftelctl agent-health: unexpected argument 'b.yaml'"));
}

}  // namespace
}  // namespace ftel
