// The broker options of ftelctl's decode and fleet: the URI, TLS and login,
// as the daemons' `broker:` section has them, with environment fallbacks.
//
//   BrokerOptions broker;
//   AddBrokerOptions(decode, &broker);  // --broker, --ca-file, ... on a command
//   ... parse ...
//   absl::StatusOr<MqttConnectOptions> options = MakeConnectOptions(broker);
#ifndef FTEL_TOOLS_FTELCTL_BROKER_OPTIONS_H_
#define FTEL_TOOLS_FTELCTL_BROKER_OPTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ftel {

inline constexpr char kDefaultBrokerUri[] = "tcp://127.0.0.1:1883";

struct BrokerOptions {
  std::string uri = kDefaultBrokerUri;
  // Paths as given: relative to the working directory, as on any command line.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string username;
  // The password is only ever read from a file: on a command line it would
  // be in the process list and the shell's history.
  std::string password_file;
  bool insecure_no_hostname_check = false;
};

// Adds --broker, --ca-file, --cert-file, --key-file, --username,
// --password-file and --insecure-no-hostname-check to `command`. Each option
// with a value falls back to FTEL_<NAME> in the environment (FTEL_BROKER,
// FTEL_CA_FILE, ...); the hostname check is never turned off by the
// environment, so a variable left behind cannot weaken a later connection.
void AddBrokerOptions(CLI::App* command, BrokerOptions* options);

// The connect options, by the daemons' rules for their `broker:` section
// (libftel/config/broker_config_rules.h) and through the same
// ConnectOptionsFor. InvalidArgument names the option at fault, one problem
// per line; a password file that every user may read is refused.
absl::StatusOr<MqttConnectOptions> MakeConnectOptions(const BrokerOptions& options);

// A failed connect or subscribe as one line for the operator: the cause
// first, in terms of the options (a refused login, a certificate --ca-file
// does not trust, a broker that wants a client certificate: see
// connect_diagnosis.h), then the MQTT client's own message in parentheses.
std::string DescribeConnectFailure(const absl::Status& status, const MqttConnectOptions& options);

}  // namespace ftel

#endif  // FTEL_TOOLS_FTELCTL_BROKER_OPTIONS_H_
