#include "agent/sources/mqtt/sparkplug_decoder.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ftel {

using v1::sparkplug::DataType;
using v1::sparkplug::Payload;

std::optional<SparkplugTopic> ParseSparkplugTopic(absl::string_view topic) {
  const std::vector<std::string> levels = absl::StrSplit(topic, '/');
  if (levels.size() < 4 || levels.size() > 5 || levels[0] != "spBv1.0") return std::nullopt;
  for (const std::string& level : levels) {
    if (level.empty()) return std::nullopt;
  }
  SparkplugTopic parsed;
  parsed.group_id = levels[1];
  parsed.edge_node_id = levels[3];
  if (levels.size() == 5) parsed.device_id = levels[4];
  const std::string& type = levels[2];
  const bool device = levels.size() == 5;
  if (type == "NBIRTH" && !device) {
    parsed.type = SparkplugMessageType::kNBirth;
  } else if (type == "NDEATH" && !device) {
    parsed.type = SparkplugMessageType::kNDeath;
  } else if (type == "NDATA" && !device) {
    parsed.type = SparkplugMessageType::kNData;
  } else if (type == "DBIRTH" && device) {
    parsed.type = SparkplugMessageType::kDBirth;
  } else if (type == "DDEATH" && device) {
    parsed.type = SparkplugMessageType::kDDeath;
  } else if (type == "DDATA" && device) {
    parsed.type = SparkplugMessageType::kDData;
  }
  return parsed;
}

std::string SparkplugNodeFilter(const std::string& group_id, const std::string& edge_node_id) {
  return absl::StrCat("spBv1.0/", group_id, "/+/", edge_node_id, "/#");
}

absl::StatusOr<double> SparkplugNumber(const Payload::Metric& metric, uint32_t datatype) {
  if (metric.has_datatype()) datatype = metric.datatype();
  if (metric.is_null()) return absl::InvalidArgumentError("null value");
  switch (metric.value_case()) {
    case Payload::Metric::kIntValue:
      if (datatype == DataType::INT8 || datatype == DataType::INT16 ||
          datatype == DataType::INT32) {
        return static_cast<double>(static_cast<int32_t>(metric.int_value()));
      }
      return static_cast<double>(metric.int_value());
    case Payload::Metric::kLongValue:
      if (datatype == DataType::INT64) {
        return static_cast<double>(static_cast<int64_t>(metric.long_value()));
      }
      return static_cast<double>(metric.long_value());
    case Payload::Metric::kFloatValue:
      return static_cast<double>(metric.float_value());
    case Payload::Metric::kDoubleValue:
      return metric.double_value();
    case Payload::Metric::kBooleanValue:
      return metric.boolean_value() ? 1.0 : 0.0;
    case Payload::Metric::VALUE_NOT_SET:
      return absl::InvalidArgumentError("no value");
    default:
      return absl::InvalidArgumentError(absl::StrCat("not a number (datatype ", datatype, ")"));
  }
}

MqttMessage RebirthRequest(const std::string& group_id, const std::string& edge_node_id,
                           int64_t now_ms) {
  Payload payload;
  payload.set_timestamp(static_cast<uint64_t>(now_ms));
  Payload::Metric* rebirth = payload.add_metrics();
  rebirth->set_name("Node Control/Rebirth");
  rebirth->set_timestamp(static_cast<uint64_t>(now_ms));
  rebirth->set_datatype(DataType::BOOLEAN);
  rebirth->set_boolean_value(true);
  return MqttMessage{absl::StrCat("spBv1.0/", group_id, "/NCMD/", edge_node_id),
                     payload.SerializeAsString(), 0, false};
}

}  // namespace ftel
