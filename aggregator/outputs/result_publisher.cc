#include "aggregator/outputs/result_publisher.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libftel/platform/log.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

void Stamp(v1::FactorySummary* result, int64_t ms) { result->set_computed_at_ms(ms); }
void Stamp(v1::GroupSummary* result, int64_t ms) { result->set_computed_at_ms(ms); }
void Stamp(v1::History*, int64_t) {}

}  // namespace

ResultPublisher::ResultPublisher(const std::string& topic_root,
                                 v1::AggregatorConfig::Outputs outputs, MqttTransport* transport)
    : topics_(topic_root), outputs_(outputs), transport_(transport) {}

template <typename Result>
uint64_t ResultPublisher::PublishIfChanged(const std::string& json_topic,
                                           const std::string& binary_topic, const Result& result,
                                           int64_t computed_at_ms, bool connected) {
  std::string unstamped = result.SerializeAsString();
  Published& last = published_[json_topic];
  const bool same = last.known && last.unstamped == unstamped;
  if (same && last.on_broker) return 0;
  if (!same) {
    last.known = true;
    last.unstamped = std::move(unstamped);
    last.stamped_at_ms = computed_at_ms;
  }
  // Offered again, stamped with the time of this change, after the
  // reconnect or after the failure (TakeFailures).
  last.on_broker = connected && !round_failed_.load(std::memory_order_relaxed);
  if (!last.on_broker) return 0;
  Result stamped = result;
  Stamp(&stamped, last.stamped_at_ms);
  std::vector<MqttMessage> messages;
  if (outputs_ != v1::AggregatorConfig::PROTOBUF_ONLY || binary_topic.empty()) {
    messages.push_back(MqttMessage{json_topic, ToJson(stamped), 1, true});
  }
  if (outputs_ != v1::AggregatorConfig::JSON_ONLY && !binary_topic.empty()) {
    messages.push_back(MqttMessage{binary_topic, stamped.SerializeAsString(), 1, true});
  }
  for (MqttMessage& message : messages) {
    const std::string target = message.topic;
    transport_->Publish(std::move(message), [this, json_topic, target](absl::Status done) {
      if (done.ok()) return;
      LogWarning(absl::StrCat("publish ", target, ": ", done.message(), "; will retry"));
      round_failed_.store(true, std::memory_order_relaxed);
      absl::MutexLock lock(&failed_mu_);
      failed_topics_.push_back(json_topic);
    });
  }
  return messages.size();
}

uint64_t ResultPublisher::PublishResults(const FleetResults& results,
                                         const std::vector<DueFactory>& factories) {
  const int64_t at = results.computed_at_ms;
  // Asked once per round: it takes Paho's client lock, which its I/O threads
  // hold for every packet. After a failure (a loss during the round, a full
  // buffer) the rest of the round is left for the next one.
  const bool connected = transport_->IsConnected();
  round_failed_.store(false, std::memory_order_relaxed);
  uint64_t sent = 0;
  auto publish_factory = [&](const v1::FactorySummary& factory, int64_t changed_at_ms) {
    sent += PublishIfChanged(
        topics_.FactoryRatesTopic(factory.factory_id(), TopicScheme::kJsonRates),
        topics_.FactoryRatesTopic(factory.factory_id(), TopicScheme::kProtobufRates), factory,
        changed_at_ms, connected);
  };
  if (offer_all_factories_) {
    for (const auto& factory : results.factories) publish_factory(*factory, at);
    offer_all_factories_ = !connected;
  } else {
    for (const DueFactory& due : factories) {
      const v1::FactorySummary* factory = FindFactory(results, due.id);
      if (factory != nullptr) publish_factory(*factory, due.changed_at_ms);
    }
  }
  for (const v1::GroupSummary& group : results.groups) {
    sent += PublishIfChanged(
        topics_.GroupRatesTopic(group.kind(), group.key(), TopicScheme::kJsonRates),
        topics_.GroupRatesTopic(group.kind(), group.key(), TopicScheme::kProtobufRates), group, at,
        connected);
  }
  sent += PublishIfChanged(topics_.FleetRatesTopic(TopicScheme::kJsonRates),
                           topics_.FleetRatesTopic(TopicScheme::kProtobufRates), results.fleet, at,
                           connected);
  return sent;
}

uint64_t ResultPublisher::PublishHistory(const v1::History& history) {
  return PublishIfChanged(
      topics_.HistoryTopic(history.kind(), history.key(), history.granularity()), "", history, 0,
      transport_->IsConnected());
}

void ResultPublisher::Reset() {
  for (auto& [topic, last] : published_) last.on_broker = false;
  offer_all_factories_ = true;
}

bool ResultPublisher::TakeFailures() {
  std::vector<std::string> failed;
  {
    absl::MutexLock lock(&failed_mu_);
    failed.swap(failed_topics_);
  }
  for (const std::string& topic : failed) published_[topic].on_broker = false;
  if (!failed.empty()) offer_all_factories_ = true;
  return !failed.empty();
}

}  // namespace ftel
