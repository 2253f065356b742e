#include "libftel/broker_config_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ftel {

void ApplyBrokerDefaults(const std::string& default_client_id, v1::BrokerConfig* broker) {
  if (broker->client_id().empty()) broker->set_client_id(default_client_id);
  if (broker->keep_alive_s() == 0) broker->set_keep_alive_s(30);
  if (broker->connect_timeout_s() == 0) broker->set_connect_timeout_s(10);
}

void ValidateBrokerConfig(const v1::BrokerConfig& broker, ConfigProblems* problems) {
  const std::string& uri = broker.uri();
  if (uri.empty()) {
    problems->Add("broker.uri", "is required (e.g. tcp://127.0.0.1:1883)");
  } else if (!absl::StartsWith(uri, "tcp://") && !absl::StartsWith(uri, "ssl://")) {
    problems->Add("broker.uri", absl::StrCat("must start with tcp:// or ssl://, got '", uri, "'"));
  } else {
    const std::string rest = uri.substr(6);
    const size_t colon = rest.rfind(':');
    uint32_t port = 0;
    if (colon == std::string::npos || colon == 0 ||
        !absl::SimpleAtoi(rest.substr(colon + 1), &port) || port == 0 || port > 65535) {
      problems->Add(
          "broker.uri",
          absl::StrCat("must be scheme://host:port with a port in 1..65535, got '", uri, "'"));
    }
  }
  if (broker.keep_alive_s() > 3600) {
    problems->Add("broker.keep_alive_s",
                  absl::StrCat("must be between 1 and 3600, got ", broker.keep_alive_s()));
  }
  if (broker.connect_timeout_s() > 300) {
    problems->Add("broker.connect_timeout_s",
                  absl::StrCat("must be between 1 and 300, got ", broker.connect_timeout_s()));
  }
}

void ValidateTopicRoot(const std::string& topic_root, ConfigProblems* problems) {
  bool ok = !topic_root.empty() && topic_root.size() <= 64;
  for (char c : topic_root) {
    ok = ok && (absl::ascii_isalnum(c) || c == '_' || c == '-');
  }
  if (!ok) {
    problems->Add("topic_root",
                  absl::StrCat("must be 1 to 64 of [A-Za-z0-9_-], got '", topic_root, "'"));
  }
}

MqttConnectOptions ConnectOptionsFrom(const v1::BrokerConfig& broker) {
  MqttConnectOptions options;
  options.keep_alive_s = static_cast<int>(broker.keep_alive_s());
  options.connect_timeout_s = static_cast<int>(broker.connect_timeout_s());
  return options;
}

}  // namespace ftel
