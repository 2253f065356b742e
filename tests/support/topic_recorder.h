// A real MQTT subscriber for integration tests that keeps every message, and
// the newest per topic as a dashboard would; plus polling until a condition holds.
#ifndef FTEL_TESTS_SUPPORT_TOPIC_RECORDER_H_
#define FTEL_TESTS_SUPPORT_TOPIC_RECORDER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "ftel/v1/status.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/schema/proto_json.h"
#include "tests/support/eventually.h"

namespace ftel {

class TopicRecorder {
 public:
  // Connects to `uri` and subscribes to `filter` at QoS 1.
  absl::Status Start(const std::string& uri, const std::string& filter = "ftel/#");

  std::optional<std::string> Get(const std::string& topic);
  // Every message received so far, in arrival order.
  std::vector<MqttMessage> All();

  // The newest payload on `topic` parsed as proto3 JSON.
  template <typename Message>
  std::optional<Message> GetJson(const std::string& topic) {
    std::optional<std::string> payload = Get(topic);
    Message message;
    if (!payload.has_value() || !FromJson(*payload, &message).ok()) return std::nullopt;
    return message;
  }

  // The newest status of node edge-1 of `factory` under the root "ftel".
  std::optional<v1::NodeStatus> GetStatus(const std::string& factory,
                                          const std::string& node = "edge-1");

 private:
  std::unique_ptr<MqttTransport> transport_;
  std::mutex mu_;
  std::map<std::string, std::string> latest_;
  std::vector<MqttMessage> all_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_TOPIC_RECORDER_H_
