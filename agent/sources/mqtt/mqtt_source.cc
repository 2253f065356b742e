#include "agent/sources/mqtt/mqtt_source.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "agent/sources/mqtt/sparkplug_decoder.h"
#include "agent/sources/mqtt/topic_filter.h"
#include "libftel/platform/log.h"
#include "libftel/schema/json_path.h"

namespace ftel {
namespace {

constexpr char kNotStarted[] = "not started";
constexpr char kNotConnected[] = "not connected";
constexpr char kNoMessageYet[] = "no message yet";

uint64_t Count(double value) { return value <= 0 ? 0 : static_cast<uint64_t>(std::llround(value)); }

// Adds `part` to `sum`: unknown as soon as one part is (the first reason).
void Add(const Figure<double>& part, Figure<double>* sum) {
  if (!sum->known()) return;
  if (!part.known()) {
    *sum = part;
  } else {
    *sum->value += *part.value;
  }
}

void SetElement(v1::MqttBinding::Element element, double value, v1::WorkUnitElements* e) {
  switch (element) {
    case v1::MqttBinding::PRODUCED_QUANTITY:
      e->set_produced_quantity(Count(value));
      break;
    case v1::MqttBinding::GOOD_QUANTITY:
      e->set_good_quantity(Count(value));
      break;
    case v1::MqttBinding::SCRAP_QUANTITY:
      e->set_scrap_quantity(Count(value));
      break;
    case v1::MqttBinding::REWORK_QUANTITY:
      e->set_rework_quantity(Count(value));
      break;
    case v1::MqttBinding::GOOD_PARTS_FIRST_PASS:
      e->set_good_parts_first_pass(Count(value));
      break;
    case v1::MqttBinding::INSPECTED_PARTS:
      e->set_inspected_parts(Count(value));
      break;
    case v1::MqttBinding::FAILURE_EVENTS:
      e->set_failure_events(Count(value));
      break;
    case v1::MqttBinding::ENERGY_KWH:
      e->set_energy_kwh(std::max(0.0, value));
      break;
    default:
      break;
  }
}

}  // namespace

std::unique_ptr<KpiSource> CreateMqttSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems) {
  std::optional<MqttSourcePlan> plan = PlanMqttSource(config, bindings, key_prefix, problems);
  if (!plan) return nullptr;
  return std::make_unique<MqttSource>(config.name(), std::move(*plan), MqttSourceOptions{});
}

MqttSource::MqttSource(std::string name, MqttSourcePlan plan, MqttSourceOptions options)
    : name_(std::move(name)),
      plan_(std::move(plan)),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &system_clock_) {
  absl::MutexLock lock(&mu_);
  for (const v1::MqttBinding& binding : plan_.bindings) {
    bound_.push_back(
        Bound{binding, BindingFigure(binding.kind(), binding.counter_modulus(), kNotConnected)});
    if (binding.has_sparkplug()) {
      nodes_.try_emplace(
          NodeKey{binding.sparkplug().group_id(), binding.sparkplug().edge_node_id()},
          options_.rebirth_interval_ms);
    }
  }
}

MqttSource::~MqttSource() { Stop(); }

absl::Status MqttSource::Start() {
  MqttTransportMaker make =
      options_.make_transport ? options_.make_transport : MqttSourceTransportMaker();
  if (!make) {
    return absl::FailedPreconditionError(absl::StrCat(
        "source ", name_,
        ": this program has no MQTT client for mqtt sources (link ftel::source_mqtt_paho)"));
  }
  transport_ = make(plan_.broker.uri(), plan_.broker.client_id());
  transport_->SetMessageHandler([this](MqttMessage message) { OnMessage(std::move(message)); });
  BrokerConnectionHooks hooks;
  hooks.on_connected = [this](const std::string&) { return OnConnected(); };
  hooks.on_lost = [this] { OnLost(); };
  hooks.outage_note = absl::StrCat("; the figures of source ", name_, " are unknown meanwhile");
  const uint64_t seed = std::hash<std::string>()(name_) ^ static_cast<uint64_t>(clock_->NowMs());
  connection_ =
      std::make_unique<BrokerConnection>(plan_.broker, transport_.get(), clock_, seed, hooks);
  {
    absl::MutexLock lock(&mu_);
    started_ = true;
  }
  if (!options_.own_thread) return absl::OkStatus();
  loop_ = std::make_unique<PollLoop>(absl::StrCat("mqtt ", name_), options_.maintain_interval,
                                     [this] { MaintainConnection(); });
  return loop_->Start();
}

void MqttSource::Stop() {
  if (loop_) loop_->Stop();
  loop_.reset();
  if (transport_ && transport_->IsConnected()) (void)transport_->Disconnect(absl::Seconds(1));
}

void MqttSource::MaintainConnection() {
  if (connection_) connection_->Maintain();
}

uint64_t MqttSource::messages_received() const {
  absl::MutexLock lock(&mu_);
  return messages_received_;
}

uint64_t MqttSource::rebirth_requests() const {
  absl::MutexLock lock(&mu_);
  return rebirth_requests_;
}

absl::Status MqttSource::OnConnected() {
  // Subscribed before anything counts: events from here on are all seen.
  for (const std::string& filter : plan_.filters) {
    if (absl::Status subscribed = transport_->Subscribe(filter, 1); !subscribed.ok()) {
      return subscribed;
    }
  }
  absl::MutexLock lock(&mu_);
  for (Bound& b : bound_) {
    b.figure.Waiting(kNoMessageYet);
    if (!b.config.has_sparkplug()) b.figure.FeedUp();
  }
  return absl::OkStatus();
}

void MqttSource::OnLost() {
  absl::MutexLock lock(&mu_);
  for (Bound& b : bound_) b.figure.FeedDown(kNotConnected);
  for (auto& [key, node] : nodes_) node.OnConnectionLost();
}

void MqttSource::OnMessage(MqttMessage message) {
  const int64_t now_ms = clock_->MonotonicMs();
  std::vector<MqttMessage> rebirths;
  {
    absl::MutexLock lock(&mu_);
    if (!started_) return;
    ++messages_received_;
    if (std::optional<SparkplugTopic> topic = ParseSparkplugTopic(message.topic)) {
      OnSparkplug(*topic, message.payload, now_ms, &rebirths);
    }
    for (Bound& b : bound_) {
      if (b.config.has_sparkplug() || !TopicFilterMatches(b.config.topic(), message.topic)) {
        continue;
      }
      if (b.config.kind() == v1::MqttBinding::EVENT_COUNT) {
        b.figure.Reading(1.0, /*birth=*/false, now_ms);
      } else {
        b.figure.Reading(b.config.number() ? PlainNumber(message.payload)
                                           : JsonNumberAt(message.payload, b.config.json()),
                         /*birth=*/false, now_ms);
      }
    }
    rebirth_requests_ += rebirths.size();
  }
  for (const MqttMessage& rebirth : rebirths) {
    LogWarning(absl::StrCat("source ", name_, ": asking for a rebirth on ", rebirth.topic));
    transport_->Publish(rebirth, [topic = rebirth.topic](absl::Status done) {
      if (!done.ok()) {
        LogWarning(absl::StrCat("rebirth request on ", topic, " failed: ", done.message()));
      }
    });
  }
}

void MqttSource::OnSparkplug(const SparkplugTopic& topic, const std::string& payload,
                             int64_t now_ms, std::vector<MqttMessage>* rebirths) {
  auto node = nodes_.find(NodeKey{topic.group_id, topic.edge_node_id});
  if (node == nodes_.end()) return;
  v1::sparkplug::Payload decoded;
  // A message that does not parse is lost; its seq gap shows on the next one.
  if (!decoded.ParseFromString(payload)) return;
  const SparkplugOutcome outcome = node->second.OnMessage(topic, decoded, now_ms);
  if (outcome.request_rebirth) {
    rebirths->push_back(RebirthRequest(topic.group_id, topic.edge_node_id, clock_->NowMs()));
  }
  for (Bound& b : bound_) {
    if (!b.config.has_sparkplug() || b.config.sparkplug().group_id() != topic.group_id ||
        b.config.sparkplug().edge_node_id() != topic.edge_node_id) {
      continue;
    }
    const std::string& device = b.config.sparkplug().device_id();
    if (outcome.lost && (outcome.lost->device_id.empty() || outcome.lost->device_id == device)) {
      b.figure.FeedDown(outcome.lost->reason);
    }
    if (outcome.born) {
      if (*outcome.born == device) {
        b.figure.FeedUp();
      } else if (outcome.born->empty()) {
        b.figure.FeedDown("awaiting device birth (DBIRTH)");
      }
    }
    for (const SparkplugReading& reading : outcome.readings) {
      if (reading.device_id == device && reading.metric == b.config.sparkplug().metric()) {
        b.figure.Reading(reading.value, outcome.born.has_value(), now_ms);
      }
    }
  }
}

SourceWindow MqttSource::Unknown(const std::string& reason) const {
  SourceWindow seen;
  for (const std::string& id : plan_.scenario_ids) {
    seen.inferences[id] = Figure<uint64_t>::Unknown(reason);
  }
  for (const std::string& id : plan_.work_unit_ids) {
    seen.work_units[id] = Figure<v1::WorkUnitElements>::Unknown(reason);
  }
  return seen;
}

SourceWindow MqttSource::TakeWindow(const ReportWindow& window) {
  const int64_t now_ms = clock_->MonotonicMs();
  std::vector<Figure<double>> figures;
  {
    absl::MutexLock lock(&mu_);
    if (!started_) return Unknown(kNotStarted);
    for (Bound& b : bound_) figures.push_back(b.figure.TakeWindow(now_ms));
  }
  SourceWindow seen;
  const double window_s = std::max<int64_t>(0, window.end_ms - window.start_ms) / 1000.0;
  for (const std::string& id : plan_.scenario_ids) {
    Figure<double> sum = Figure<double>::Known(0);
    for (size_t i = 0; i < plan_.bindings.size(); ++i) {
      if (plan_.bindings[i].scenario_id() == id) Add(figures[i], &sum);
    }
    seen.inferences[id] = sum.known() ? Figure<uint64_t>::Known(Count(*sum.value))
                                      : Figure<uint64_t>::Unknown(sum.unknown_reason);
  }
  for (const std::string& id : plan_.work_unit_ids) {
    std::map<v1::MqttBinding::Element, Figure<double>> elements;
    std::string unknown;
    for (size_t i = 0; i < plan_.bindings.size(); ++i) {
      const v1::MqttBinding& binding = plan_.bindings[i];
      if (binding.work_unit_id() != id) continue;
      if (!figures[i].known() && unknown.empty()) unknown = figures[i].unknown_reason;
      Add(figures[i],
          &elements.try_emplace(binding.element(), Figure<double>::Known(0)).first->second);
    }
    if (!unknown.empty()) {
      seen.work_units[id] = Figure<v1::WorkUnitElements>::Unknown(unknown);
      continue;
    }
    v1::WorkUnitElements e;
    auto pru = plan_.planned_run_time_per_unit_s.find(id);
    if (pru != plan_.planned_run_time_per_unit_s.end()) {
      e.set_planned_run_time_per_unit_s(pru->second);
    }
    for (const auto& [element, figure] : elements) {
      if (element == v1::MqttBinding::RUNNING) {
        e.set_planned_busy_time_s(window_s);
        e.set_actual_production_time_s(std::min(window_s, *figure.value));
      } else {
        SetElement(element, *figure.value, &e);
      }
    }
    seen.work_units[id] = Figure<v1::WorkUnitElements>::Known(std::move(e));
  }
  return seen;
}

}  // namespace ftel
