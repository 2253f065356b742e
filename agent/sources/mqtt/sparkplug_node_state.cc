#include "agent/sources/mqtt/sparkplug_node_state.h"

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

using v1::sparkplug::Payload;

constexpr char kBdSeq[] = "bdSeq";

std::optional<uint64_t> BdSeqOf(const Payload& payload) {
  for (const Payload::Metric& metric : payload.metrics()) {
    if (metric.name() != kBdSeq) continue;
    absl::StatusOr<double> value = SparkplugNumber(metric, 0);
    if (value.ok() && *value >= 0) return static_cast<uint64_t>(*value);
  }
  return std::nullopt;
}

}  // namespace

SparkplugOutcome SparkplugNodeState::OnMessage(const SparkplugTopic& topic, const Payload& payload,
                                               int64_t now_ms) {
  SparkplugOutcome outcome;
  switch (topic.type) {
    case SparkplugMessageType::kOther:
      return outcome;
    case SparkplugMessageType::kNBirth:
      Unborn("");
      born_ = true;
      bd_seq_ = BdSeqOf(payload);
      last_seq_ = payload.seq() % 256;
      node_.born = true;
      outcome.born = "";
      Read("", payload, /*birth=*/true, &node_, &outcome);
      return outcome;
    case SparkplugMessageType::kNDeath: {
      // A death certificate of an earlier session (the broker publishes the
      // Will late) does not kill the current one.
      const std::optional<uint64_t> dead = BdSeqOf(payload);
      if (born_ && dead && bd_seq_ && *dead != *bd_seq_) return outcome;
      Unborn("edge node dead (NDEATH)");
      outcome.lost = SparkplugLoss{"", unborn_reason_};
      return outcome;
    }
    default:
      break;
  }
  // Every other message of the node carries the next seq.
  if (!born_) {
    AskRebirth(now_ms, &outcome);
    outcome.lost = SparkplugLoss{"", unborn_reason_};
    return outcome;
  }
  if (!payload.has_seq() || payload.seq() != (last_seq_ + 1) % 256) {
    Unborn("awaiting rebirth after seq gap");
    AskRebirth(now_ms, &outcome);
    outcome.lost = SparkplugLoss{"", unborn_reason_};
    return outcome;
  }
  last_seq_ = payload.seq();
  switch (topic.type) {
    case SparkplugMessageType::kNData:
      Read("", payload, /*birth=*/false, &node_, &outcome);
      break;
    case SparkplugMessageType::kDBirth: {
      Aliases& device = devices_[topic.device_id];
      device = Aliases{};
      device.born = true;
      outcome.born = topic.device_id;
      Read(topic.device_id, payload, /*birth=*/true, &device, &outcome);
      break;
    }
    case SparkplugMessageType::kDDeath:
      devices_.erase(topic.device_id);
      outcome.lost = SparkplugLoss{topic.device_id, "device dead (DDEATH)"};
      break;
    case SparkplugMessageType::kDData: {
      auto device = devices_.find(topic.device_id);
      if (device == devices_.end() || !device->second.born) {
        AskRebirth(now_ms, &outcome);
        outcome.lost = SparkplugLoss{topic.device_id, "awaiting rebirth (no device birth seen)"};
        break;
      }
      Read(topic.device_id, payload, /*birth=*/false, &device->second, &outcome);
      break;
    }
    default:
      break;
  }
  return outcome;
}

void SparkplugNodeState::OnConnectionLost() { Unborn("awaiting rebirth (no birth seen)"); }

void SparkplugNodeState::Unborn(const std::string& reason) {
  born_ = false;
  unborn_reason_ = reason;
  node_ = Aliases{};
  devices_.clear();
}

void SparkplugNodeState::Read(const std::string& device_id, const Payload& payload, bool birth,
                              Aliases* aliases, SparkplugOutcome* outcome) {
  for (const Payload::Metric& metric : payload.metrics()) {
    std::string name = metric.name();
    if (birth) {
      if (name.empty()) continue;
      if (metric.has_alias()) aliases->names[metric.alias()] = name;
      aliases->datatypes[name] = metric.datatype();
    } else if (name.empty()) {
      auto known = aliases->names.find(metric.alias());
      if (!metric.has_alias() || known == aliases->names.end()) continue;
      name = known->second;
    }
    if (birth && name == kBdSeq && device_id.empty()) continue;
    auto datatype = aliases->datatypes.find(name);
    outcome->readings.push_back(SparkplugReading{
        device_id, name,
        SparkplugNumber(metric, datatype == aliases->datatypes.end() ? 0 : datatype->second)});
  }
}

void SparkplugNodeState::AskRebirth(int64_t now_ms, SparkplugOutcome* outcome) {
  if (last_rebirth_request_ms_ && now_ms - *last_rebirth_request_ms_ < rebirth_interval_ms_) {
    return;
  }
  last_rebirth_request_ms_ = now_ms;
  outcome->request_rebirth = true;
}

}  // namespace ftel
