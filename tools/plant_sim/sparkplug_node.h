// The plant's Sparkplug B edge node: one factory's lines and the models of
// the `sparkplug` family, published on an MQTT broker under
// `spBv1.0/{group}/{NBIRTH|NDATA|NDEATH}/{edge node}`:
//
// - NBIRTH (seq 0) with every metric's name, alias, type and value:
//   `bdSeq`, `Node Control/Rebirth`, per line `{line}/Counters/Produced`,
//   `{line}/Counters/Good` (UInt64) and `{line}/State/Running` (Boolean),
//   per model `Models/{model}/Inferences` (UInt64);
// - NDATA every second with the values by alias only, seq 1..255, 0, 1, ...;
// - a new NBIRTH when an NCMD asks for `Node Control/Rebirth`;
// - NDEATH with the session's bdSeq as the MQTT Will; each new connection
//   is a new session with the next bdSeq.
//
//   SparkplugNode node;
//   RETURN_IF_ERROR(node.Start({"tcp://127.0.0.1:1883", "plant", "tangshan-steel",
//                               "tangshan-steel"}));
//   node.Publish(plant);  // after every tick
#ifndef FTEL_TOOLS_PLANT_SIM_SPARKPLUG_NODE_H_
#define FTEL_TOOLS_PLANT_SIM_SPARKPLUG_NODE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ftel/v1/sparkplug_b.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "tools/plant_sim/line_model.h"

namespace ftel::plant_sim {

struct SparkplugOptions {
  std::string broker_uri;
  std::string group_id;
  std::string edge_node_id;
  // The factory whose lines the node publishes.
  std::string factory_id;
};

class SparkplugNode {
 public:
  SparkplugNode() = default;
  ~SparkplugNode();
  SparkplugNode(const SparkplugNode&) = delete;
  SparkplugNode& operator=(const SparkplugNode&) = delete;

  // Starts the node's thread, which connects (and reconnects) by itself.
  absl::Status Start(const SparkplugOptions& options) ABSL_LOCKS_EXCLUDED(mu_);
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

  // The values for the next NDATA.
  void Publish(const PlantModel& plant) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Value {
    std::string name;
    uint32_t datatype = 0;
    uint64_t number = 0;
  };

  void Run();
  // Connects with a new session; false if the broker is not there.
  bool Connect() ABSL_LOCKS_EXCLUDED(mu_);
  void OnMessage(const MqttMessage& message) ABSL_LOCKS_EXCLUDED(mu_);
  v1::sparkplug::Payload BirthPayload() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::sparkplug::Payload DataPayload() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Topic(const std::string& type) const;
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return fresh_ || rebirth_requested_ || stopping_;
  }

  SparkplugOptions options_;
  std::unique_ptr<MqttTransport> transport_;
  std::thread thread_;

  absl::Mutex mu_;
  // Metric values in alias order (the alias is the index + 1).
  std::vector<Value> values_ ABSL_GUARDED_BY(mu_);
  bool fresh_ ABSL_GUARDED_BY(mu_) = false;
  bool rebirth_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool connection_lost_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t bd_seq_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t seq_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ftel::plant_sim

#endif  // FTEL_TOOLS_PLANT_SIM_SPARKPLUG_NODE_H_
