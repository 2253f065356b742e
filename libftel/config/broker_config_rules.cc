#include "libftel/config/broker_config_rules.h"

#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libftel/platform/file_io.h"

namespace ftel {
namespace {

void ValidateUri(const std::string& uri, const std::string& key, bool* uses_tls,
                 ConfigProblems* problems) {
  if (!absl::StartsWith(uri, "tcp://") && !absl::StartsWith(uri, "ssl://")) {
    problems->Add(key, absl::StrCat("must start with tcp:// or ssl://, got '", uri, "'"));
    return;
  }
  *uses_tls |= absl::StartsWith(uri, "ssl://");
  const std::string rest = uri.substr(6);
  const size_t colon = rest.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(rest.substr(colon + 1), &port) || port == 0 || port > 65535) {
    problems->Add(
        key, absl::StrCat("must be scheme://host:port with a port in 1..65535, got '", uri, "'"));
  }
}

void CheckReadable(const std::string& path, const std::string& key, ConfigProblems* problems) {
  if (!path.empty() && access(path.c_str(), R_OK) != 0) {
    problems->Add(key, absl::StrCat("must name a readable file, got '", path, "'"));
  }
}

void Resolve(const std::string& dir, std::string* path) {
  if (!path->empty()) *path = ResolveRelativeTo(dir, *path);
}

}  // namespace

void ApplyBrokerDefaults(const std::string& default_client_id, const std::string& config_dir,
                         v1::BrokerConfig* broker) {
  if (broker->client_id().empty()) broker->set_client_id(default_client_id);
  if (broker->keep_alive_s() == 0) broker->set_keep_alive_s(30);
  if (broker->connect_timeout_s() == 0) broker->set_connect_timeout_s(10);
  if (broker->reconnect_min_ms() == 0) broker->set_reconnect_min_ms(500);
  if (broker->reconnect_max_ms() == 0) broker->set_reconnect_max_ms(5000);
  Resolve(config_dir, broker->mutable_password_file());
  Resolve(config_dir, broker->mutable_tls()->mutable_ca_file());
  Resolve(config_dir, broker->mutable_tls()->mutable_cert_file());
  Resolve(config_dir, broker->mutable_tls()->mutable_key_file());
}

void ValidateBrokerConfig(const v1::BrokerConfig& broker, ConfigProblems* problems) {
  bool uses_tls = false;
  if (broker.uri().empty()) {
    problems->Add("broker.uri", "is required (e.g. tcp://127.0.0.1:1883)");
  } else {
    ValidateUri(broker.uri(), "broker.uri", &uses_tls, problems);
  }
  for (int i = 0; i < broker.failover_uris_size(); ++i) {
    ValidateUri(broker.failover_uris(i), absl::StrCat("broker.failover_uris[", i, "]"), &uses_tls,
                problems);
  }
  if (broker.keep_alive_s() > 3600) {
    problems->Add("broker.keep_alive_s",
                  absl::StrCat("must be between 1 and 3600, got ", broker.keep_alive_s()));
  }
  if (broker.connect_timeout_s() > 300) {
    problems->Add("broker.connect_timeout_s",
                  absl::StrCat("must be between 1 and 300, got ", broker.connect_timeout_s()));
  }
  for (const auto& [key, value] :
       {std::make_pair("broker.reconnect_min_ms", broker.reconnect_min_ms()),
        std::make_pair("broker.reconnect_max_ms", broker.reconnect_max_ms())}) {
    if (value < 10 || value > 3600000) {
      problems->Add(key, absl::StrCat("must be between 10 and 3600000, got ", value));
    }
  }
  if (broker.reconnect_min_ms() > broker.reconnect_max_ms()) {
    problems->Add("broker.reconnect_min_ms", "must not exceed broker.reconnect_max_ms");
  }
  if (!broker.password().empty() && !broker.password_file().empty()) {
    problems->Add("broker.password_file", "give either password or password_file, not both");
  }
  if ((!broker.password().empty() || !broker.password_file().empty()) &&
      broker.username().empty()) {
    problems->Add("broker.username", "is required when a password is given");
  }
  CheckReadable(broker.password_file(), "broker.password_file", problems);
  const v1::TlsConfig& tls = broker.tls();
  if (uses_tls && tls.ca_file().empty()) {
    problems->Add("broker.tls.ca_file", "is required for ssl:// brokers");
  }
  if (tls.cert_file().empty() != tls.key_file().empty()) {
    problems->Add(tls.cert_file().empty() ? "broker.tls.cert_file" : "broker.tls.key_file",
                  "cert_file and key_file go together (mutual TLS)");
  }
  CheckReadable(tls.ca_file(), "broker.tls.ca_file", problems);
  CheckReadable(tls.cert_file(), "broker.tls.cert_file", problems);
  CheckReadable(tls.key_file(), "broker.tls.key_file", problems);
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

}  // namespace ftel
