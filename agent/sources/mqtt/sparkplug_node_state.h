// What a Sparkplug host application keeps about one edge node: whether it
// is born, its bdSeq, the payload seq it expects next (0..255), and the alias
// tables of the node and its devices from their births. Each message of the
// node goes through OnMessage, which says what the message means for the
// node's values: metric readings by name, a birth (values start again), or
// values lost (death, seq gap), and whether to ask for a rebirth.
// Not thread-safe: the mqtt source calls it under its lock.
//
//   SparkplugNodeState press("plant-a", "press-1");
//   SparkplugOutcome seen = press.OnMessage(topic, payload, now_ms);
//   if (seen.request_rebirth) transport->Publish(RebirthRequest(...), ...);
//   for (const SparkplugReading& r : seen.readings) ...  // r.device_id, r.metric, r.value
#ifndef FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_NODE_STATE_H_
#define FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_NODE_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/sources/mqtt/sparkplug_decoder.h"

namespace ftel {

// One metric of one message, its name resolved through the aliases.
struct SparkplugReading {
  // Empty for a metric of the edge node itself.
  std::string device_id;
  std::string metric;
  absl::StatusOr<double> value;
};

// Values that became unknown: the whole node (device_id empty, all devices
// included), or one device.
struct SparkplugLoss {
  std::string device_id;
  std::string reason;
};

struct SparkplugOutcome {
  // Set for NBIRTH (device_id empty) and DBIRTH: the readings are the
  // birth's current values; the node's (device's) values are valid again.
  std::optional<std::string> born;
  std::vector<SparkplugReading> readings;
  std::optional<SparkplugLoss> lost;
  bool request_rebirth = false;
};

class SparkplugNodeState {
 public:
  // `rebirth_interval_ms`: the shortest time between two rebirth requests.
  explicit SparkplugNodeState(int64_t rebirth_interval_ms = 5000)
      : rebirth_interval_ms_(rebirth_interval_ms) {}

  // One message on the node's topics. `now_ms` is monotonic.
  SparkplugOutcome OnMessage(const SparkplugTopic& topic, const v1::sparkplug::Payload& payload,
                             int64_t now_ms);
  // The connection to the broker dropped: what was missed is unknown, so
  // the node counts as unborn until its next NBIRTH.
  void OnConnectionLost();

  bool born() const { return born_; }
  std::optional<uint64_t> bd_seq() const { return bd_seq_; }

 private:
  struct Aliases {
    bool born = false;
    std::map<uint64_t, std::string> names;
    std::map<std::string, uint32_t> datatypes;
  };

  // Forgets the births until the next NBIRTH, for `reason`; the caller
  // reports the loss.
  void Unborn(const std::string& reason);
  // Reads the metrics of a birth (filling `aliases`) or data message.
  void Read(const std::string& device_id, const v1::sparkplug::Payload& payload, bool birth,
            Aliases* aliases, SparkplugOutcome* outcome);
  // Sets request_rebirth unless one was asked for less than the interval ago.
  void AskRebirth(int64_t now_ms, SparkplugOutcome* outcome);

  const int64_t rebirth_interval_ms_;
  bool born_ = false;
  // Why the node is not born: what data before the next birth is told.
  std::string unborn_reason_ = "awaiting rebirth (no birth seen)";
  std::optional<uint64_t> bd_seq_;
  uint64_t last_seq_ = 0;
  Aliases node_;
  std::map<std::string, Aliases> devices_;
  std::optional<int64_t> last_rebirth_request_ms_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_NODE_STATE_H_
