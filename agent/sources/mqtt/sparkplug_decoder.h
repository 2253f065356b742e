// Sparkplug B on the wire: the topic namespace
// `spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]`, metric
// values as numbers, and the rebirth request a host application sends.
//
//   std::optional<SparkplugTopic> topic = ParseSparkplugTopic(message.topic);
//   v1::sparkplug::Payload payload;
//   if (topic && payload.ParseFromString(message.payload)) ...
//   absl::StatusOr<double> v = SparkplugNumber(metric, birth_datatype);
//   MqttMessage ask = RebirthRequest("plant-a", "press-1", now_ms);
#ifndef FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_DECODER_H_
#define FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_DECODER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ftel/v1/sparkplug_b.pb.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

enum class SparkplugMessageType { kNBirth, kNDeath, kDBirth, kDDeath, kNData, kDData, kOther };

struct SparkplugTopic {
  std::string group_id;
  SparkplugMessageType type = SparkplugMessageType::kOther;
  std::string edge_node_id;
  // Empty for node messages.
  std::string device_id;
};

// Nullopt unless `topic` is in the spBv1.0 namespace with the right number of
// levels for its type (NCMD, DCMD and unknown types parse as kOther).
std::optional<SparkplugTopic> ParseSparkplugTopic(absl::string_view topic);

// The filter that receives every message of one edge node and its devices.
std::string SparkplugNodeFilter(const std::string& group_id, const std::string& edge_node_id);

// The metric's value as a number. `datatype` is the metric's own, or the
// birth's when the data message left it out (0 when neither says). Signed
// types are two's complement in their field; booleans read as 1/0.
// InvalidArgument for null values and for strings, bytes and other types.
absl::StatusOr<double> SparkplugNumber(const v1::sparkplug::Payload::Metric& metric,
                                       uint32_t datatype);

// NCMD `Node Control/Rebirth` = true for one edge node, QoS 0 (as Sparkplug
// commands are), stamped with `now_ms`.
MqttMessage RebirthRequest(const std::string& group_id, const std::string& edge_node_id,
                           int64_t now_ms);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_SPARKPLUG_DECODER_H_
