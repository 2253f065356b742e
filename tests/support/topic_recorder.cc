#include "tests/support/topic_recorder.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"

namespace ftel {

absl::Status TopicRecorder::Start(const std::string& uri, const std::string& filter) {
  static int instances = 0;
  transport_ =
      NewPahoMqttTransport(uri, absl::StrCat("test-recorder-", getpid(), "-", ++instances));
  transport_->SetMessageHandler([this](const MqttMessage& message) {
    std::lock_guard<std::mutex> lock(mu_);
    latest_[message.topic] = message.payload;
    all_.push_back(message);
  });
  absl::Status status = transport_->Connect(MqttConnectOptions{});
  if (status.ok()) status = transport_->Subscribe(filter, 1);
  return status;
}

std::optional<std::string> TopicRecorder::Get(const std::string& topic) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(topic);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

std::vector<MqttMessage> TopicRecorder::All() {
  std::lock_guard<std::mutex> lock(mu_);
  return all_;
}

std::optional<v1::NodeStatus> TopicRecorder::GetStatus(const std::string& factory,
                                                       const std::string& node) {
  std::optional<std::string> payload =
      Get(absl::StrCat("ftel/v1/node/", factory, "/", node, "/status"));
  v1::NodeStatus status;
  if (!payload.has_value() || !status.ParseFromString(*payload)) return std::nullopt;
  return status;
}

}  // namespace ftel
