#include "tools/plant_sim/sparkplug_node.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/log.h"

namespace ftel::plant_sim {
namespace {

using v1::sparkplug::DataType;
using v1::sparkplug::Payload;

constexpr char kRebirth[] = "Node Control/Rebirth";

uint64_t NowMs() { return static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())); }

void SetValue(Payload::Metric* metric, uint32_t datatype, uint64_t number) {
  if (datatype == DataType::BOOLEAN) {
    metric->set_boolean_value(number != 0);
  } else {
    metric->set_long_value(number);
  }
}

Payload DeathPayload(uint64_t bd_seq) {
  Payload payload;
  payload.set_timestamp(NowMs());
  Payload::Metric* metric = payload.add_metrics();
  metric->set_name("bdSeq");
  metric->set_datatype(DataType::UINT64);
  metric->set_long_value(bd_seq);
  return payload;
}

}  // namespace

SparkplugNode::~SparkplugNode() { Shutdown(); }

absl::Status SparkplugNode::Start(const SparkplugOptions& options) {
  for (const std::string* id : {&options.group_id, &options.edge_node_id}) {
    if (id->empty() || id->find_first_of("/+#") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sparkplug: group and edge node ids must be non-empty without / + #, got '", *id, "'"));
    }
  }
  options_ = options;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void SparkplugNode::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void SparkplugNode::Publish(const PlantModel& plant) {
  std::vector<Value> values;
  values.push_back({kRebirth, DataType::BOOLEAN, 0});
  for (const LineState& line : plant.lines()) {
    if (line.factory_id != options_.factory_id) continue;
    values.push_back({line.line_id + "/Counters/Produced", DataType::UINT64, line.produced});
    values.push_back({line.line_id + "/Counters/Good", DataType::UINT64, line.good});
    values.push_back({line.line_id + "/State/Running", DataType::BOOLEAN, line.running ? 1u : 0u});
  }
  for (const ModelState& model : plant.models()) {
    if (model.family != "sparkplug") continue;
    values.push_back({"Models/" + model.name + "/Inferences", DataType::UINT64, model.count});
  }
  absl::MutexLock lock(&mu_);
  values_ = std::move(values);
  fresh_ = true;
}

std::string SparkplugNode::Topic(const std::string& type) const {
  return absl::StrCat("spBv1.0/", options_.group_id, "/", type, "/", options_.edge_node_id);
}

Payload SparkplugNode::BirthPayload() {
  Payload payload;
  payload.set_timestamp(NowMs());
  payload.set_seq(0);
  seq_ = 0;
  Payload::Metric* bd_seq = payload.add_metrics();
  bd_seq->set_name("bdSeq");
  bd_seq->set_datatype(DataType::UINT64);
  bd_seq->set_long_value(bd_seq_);
  for (size_t i = 0; i < values_.size(); ++i) {
    Payload::Metric* metric = payload.add_metrics();
    metric->set_name(values_[i].name);
    metric->set_alias(i + 1);
    metric->set_timestamp(payload.timestamp());
    metric->set_datatype(values_[i].datatype);
    SetValue(metric, values_[i].datatype, values_[i].number);
  }
  return payload;
}

Payload SparkplugNode::DataPayload() {
  Payload payload;
  payload.set_timestamp(NowMs());
  seq_ = (seq_ + 1) % 256;
  payload.set_seq(seq_);
  // Index 0 is the rebirth control, which only the birth carries.
  for (size_t i = 1; i < values_.size(); ++i) {
    Payload::Metric* metric = payload.add_metrics();
    metric->set_alias(i + 1);
    metric->set_timestamp(payload.timestamp());
    metric->set_datatype(values_[i].datatype);
    SetValue(metric, values_[i].datatype, values_[i].number);
  }
  return payload;
}

void SparkplugNode::OnMessage(const MqttMessage& message) {
  Payload command;
  if (!command.ParseFromString(message.payload)) return;
  for (const Payload::Metric& metric : command.metrics()) {
    // The rebirth control has alias 1 in our births.
    const bool rebirth = metric.name() == kRebirth || (!metric.has_name() && metric.alias() == 1);
    if (rebirth && metric.boolean_value()) {
      absl::MutexLock lock(&mu_);
      rebirth_requested_ = true;
      LogInfo("sparkplug: rebirth requested (NCMD)");
    }
  }
}

bool SparkplugNode::Connect() {
  uint64_t bd_seq;
  {
    absl::MutexLock lock(&mu_);
    bd_seq = bd_seq_;
    connection_lost_ = false;
  }
  transport_ = NewPahoMqttTransport(options_.broker_uri,
                                    absl::StrCat("ftel-plant-sim-", options_.edge_node_id));
  transport_->SetMessageHandler([this](MqttMessage message) { OnMessage(message); });
  transport_->SetConnectionLostHandler([this](const std::string& cause) {
    absl::MutexLock lock(&mu_);
    connection_lost_ = true;
  });
  MqttConnectOptions connect;
  connect.keep_alive_s = 10;
  connect.connect_timeout_s = 5;
  connect.will = MqttMessage{Topic("NDEATH"), DeathPayload(bd_seq).SerializeAsString(), 1, false};
  absl::Status connected = transport_->Connect(connect);
  if (connected.ok()) connected = transport_->Subscribe(Topic("NCMD"), 1);
  if (!connected.ok()) {
    LogWarning(absl::StrCat("sparkplug: ", connected.message()));
    transport_.reset();
    return false;
  }
  LogInfo(absl::StrCat("sparkplug: edge node ", options_.group_id, "/", options_.edge_node_id,
                       " online at ", options_.broker_uri, " (bdSeq ", bd_seq, ")"));
  return true;
}

void SparkplugNode::Run() {
  bool connected = false;
  bool birth_due = false;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      if (connected && connection_lost_) {
        connected = false;
        // The broker published our Will; the next session has the next bdSeq.
        bd_seq_ = (bd_seq_ + 1) % 256;
      }
    }
    if (!connected) {
      connected = Connect();
      if (!connected) {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
        continue;
      }
      birth_due = true;
    }
    MqttMessage message;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(this, &SparkplugNode::Woken), absl::Seconds(2));
      if (stopping_) break;
      if (values_.empty()) continue;
      if (birth_due || rebirth_requested_) {
        message = {Topic("NBIRTH"), BirthPayload().SerializeAsString(), 0, false};
        birth_due = false;
        rebirth_requested_ = false;
      } else if (fresh_) {
        message = {Topic("NDATA"), DataPayload().SerializeAsString(), 0, false};
      } else {
        continue;
      }
      fresh_ = false;
    }
    absl::Status sent = PublishAndWait(*transport_, message, absl::Seconds(5));
    if (!sent.ok()) {
      LogWarning(absl::StrCat("sparkplug: ", sent.message()));
      absl::MutexLock lock(&mu_);
      connection_lost_ = true;
    }
  }
  if (connected && transport_ != nullptr) {
    uint64_t bd_seq;
    {
      absl::MutexLock lock(&mu_);
      bd_seq = bd_seq_;
    }
    // A node that leaves on purpose says so before disconnecting.
    (void)PublishAndWait(*transport_,
                         {Topic("NDEATH"), DeathPayload(bd_seq).SerializeAsString(), 1, false},
                         absl::Seconds(2));
    (void)transport_->Disconnect(absl::Seconds(2));
  }
  transport_.reset();
}

}  // namespace ftel::plant_sim
