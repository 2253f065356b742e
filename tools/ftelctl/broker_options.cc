#include "tools/ftelctl/broker_options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "ftel/v1/broker_config.pb.h"
#include "libftel/config/broker_config_rules.h"
#include "libftel/config/config_problems.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/platform/file_io.h"
#include "tools/ftelctl/connect_diagnosis.h"

namespace ftel {
namespace {

// The daemons' config keys and the options that stand for them here, so that
// a problem found by the daemons' rules names what the operator typed.
const std::vector<std::pair<std::string, std::string>>& OptionNames() {
  static const auto* names = new std::vector<std::pair<std::string, std::string>>{
      {"broker.uri", "--broker"},
      {"broker.tls.ca_file", "--ca-file"},
      {"broker.tls.cert_file", "--cert-file"},
      {"broker.tls.key_file", "--key-file"},
      {"broker.username", "--username"},
      {"broker.password_file", "--password-file"},
      // The rules' own wording ("cert_file and key_file go together").
      {"cert_file", "--cert-file"},
      {"key_file", "--key-file"},
  };
  return *names;
}

std::string InOptionTerms(const std::string& text) {
  return absl::StrReplaceAll(text, OptionNames());
}

// A password file every user of the box may read is a password given away;
// the group may read it, as docs/security.md sets the secrets up (0640,
// root and the service's group) for the service and its operators.
absl::Status CheckPasswordFilePrivate(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return ErrnoToStatus(path, errno);
  if ((info.st_mode & S_IROTH) != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--password-file: every user may read '%s' (mode %04o): chmod o-r it", path,
                        info.st_mode & 0777));
  }
  return absl::OkStatus();
}

}  // namespace

void AddBrokerOptions(CLI::App* command, BrokerOptions* options) {
  command
      ->add_option("--broker", options->uri,
                   "the broker: tcp://HOST:PORT, or ssl://HOST:PORT for TLS (needs --ca-file)")
      ->type_name("URI")
      ->envname("FTEL_BROKER")
      ->capture_default_str();
  command
      ->add_option("--ca-file", options->ca_file,
                   "PEM file of the CA(s) the broker's certificate must be signed by")
      ->type_name("FILE")
      ->envname("FTEL_CA_FILE");
  command
      ->add_option("--cert-file", options->cert_file,
                   "PEM client certificate, for a broker that requires one (mutual TLS)")
      ->type_name("FILE")
      ->envname("FTEL_CERT_FILE");
  command->add_option("--key-file", options->key_file, "PEM private key of --cert-file")
      ->type_name("FILE")
      ->envname("FTEL_KEY_FILE");
  command->add_option("--username", options->username, "MQTT username")
      ->type_name("NAME")
      ->envname("FTEL_USERNAME");
  command
      ->add_option("--password-file", options->password_file,
                   "file whose first line is the MQTT password; must not be readable by every user")
      ->type_name("FILE")
      ->envname("FTEL_PASSWORD_FILE");
  command->add_flag("--insecure-no-hostname-check", options->insecure_no_hostname_check,
                    "accept a broker certificate that does not name the host of --broker (test "
                    "brokers only)");
}

absl::StatusOr<MqttConnectOptions> MakeConnectOptions(const BrokerOptions& options) {
  v1::BrokerConfig broker;
  // An empty FTEL_BROKER counts as none.
  broker.set_uri(options.uri.empty() ? kDefaultBrokerUri : options.uri);
  broker.set_username(options.username);
  // The defaults first, with no paths set yet: the daemons resolve theirs
  // against the config file's directory, a command line's are the shell's.
  ApplyBrokerDefaults(absl::StrCat("ftelctl-", getpid()), "", &broker);
  broker.set_password_file(options.password_file);
  broker.mutable_tls()->set_ca_file(options.ca_file);
  broker.mutable_tls()->set_cert_file(options.cert_file);
  broker.mutable_tls()->set_key_file(options.key_file);
  broker.mutable_tls()->set_skip_hostname_check(options.insecure_no_hostname_check);

  ConfigProblems problems("ftelctl");
  ValidateBrokerConfig(broker, &problems);
  if (!problems.empty()) {
    std::vector<std::string> lines;
    for (const ConfigProblem& problem : problems.problems()) {
      lines.push_back(InOptionTerms(absl::StrCat(problem.key, ": ", problem.rule)));
    }
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  if (!options.password_file.empty()) {
    if (absl::Status private_file = CheckPasswordFilePrivate(options.password_file);
        !private_file.ok()) {
      return private_file;
    }
  }
  return ConnectOptionsFor(broker, broker.uri());
}

std::string DescribeConnectFailure(const absl::Status& status, const MqttConnectOptions& options) {
  // OpenSSL's error text ends in a line break: one line, for logs and scripts.
  std::vector<std::string> parts =
      absl::StrSplit(status.message(), absl::ByAnyChar("\r\n"), absl::SkipWhitespace());
  for (std::string& part : parts) absl::StripAsciiWhitespace(&part);
  const std::string message = absl::StrJoin(parts, " ");
  // "connect to URI failed: DETAIL" from the transport; anything else (a
  // refused subscription) says what it is already.
  const std::string head = absl::StrCat("connect to ", options.server_uri, " failed: ");
  if (!absl::StartsWith(message, head)) return message;
  const std::string detail = message.substr(head.size());
  std::string cause;
  // The broker answered the CONNECT, so the network and TLS are fine: it
  // refused the login (MQTT 3.1.1 CONNACK 4 "bad user name or password", 5
  // "not authorized", which mosquitto sends for a wrong password too).
  if (absl::StrContains(detail, "MQTT error [4]") || absl::StrContains(detail, "MQTT error [5]")) {
    cause = options.username.empty()
                ? "the broker refused an anonymous login: give --username and --password-file"
                : absl::StrCat("the broker refused the login of '", options.username,
                               "': wrong password in --password-file, or no such user");
  } else {
    cause = DiagnoseConnectFailure(options, absl::Seconds(3));
  }
  if (cause.empty()) return message;
  return absl::StrCat(head, cause, " (", detail, ")");
}

}  // namespace ftel
