#include "libftel/mqtt/connect_options.h"

#include "absl/strings/match.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::StatusOr<MqttConnectOptions> ConnectOptionsFor(const v1::BrokerConfig& broker,
                                                     const std::string& uri) {
  MqttConnectOptions options;
  options.server_uri = uri;
  options.keep_alive_s = static_cast<int>(broker.keep_alive_s());
  options.connect_timeout_s = static_cast<int>(broker.connect_timeout_s());
  options.username = broker.username();
  options.password = broker.password();
  if (!broker.password_file().empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(broker.password_file()));
    options.password = text.substr(0, text.find('\n'));
  }
  if (absl::StartsWith(uri, "ssl://")) {
    const v1::TlsConfig& tls = broker.tls();
    options.tls =
        MqttTls{tls.ca_file(), tls.cert_file(), tls.key_file(), !tls.skip_hostname_check()};
  }
  return options;
}

}  // namespace ftel
