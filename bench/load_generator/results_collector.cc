#include "bench/load_generator/results_collector.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "libftel/schema/proto_json.h"

namespace ftel {

int CollectedResults::seen() const {
  int n = 0;
  for (const FactoryResult& f : factories) n += f.seen;
  return n;
}

uint64_t CollectedResults::reports() const {
  uint64_t n = 0;
  for (const FactoryResult& f : factories) n += f.reports;
  return n;
}

uint64_t CollectedResults::duplicates() const {
  uint64_t n = 0;
  for (const FactoryResult& f : factories) n += f.duplicates;
  return n;
}

uint64_t CollectedResults::overlapping() const {
  uint64_t n = 0;
  for (const FactoryResult& f : factories) n += f.overlapping;
  return n;
}

int64_t CollectedResults::newest_computed_at_ms() const {
  int64_t newest = 0;
  for (const FactoryResult& f : factories) newest = std::max(newest, f.computed_at_ms);
  return newest;
}

ResultsCollector::ResultsCollector(const std::vector<SyntheticFactory>& fleet,
                                   const TopicScheme& topics)
    : fleet_topic_(topics.FleetRatesTopic()), factory_prefix_(topics.FactoryRatesTopic("")) {
  by_id_.reserve(fleet.size());
  for (size_t i = 0; i < fleet.size(); ++i) by_id_.emplace(fleet[i].profile.factory_id, i);
  results_.factories.resize(fleet.size());
}

bool ResultsCollector::OnMessage(const MqttMessage& message) {
  if (message.topic == fleet_topic_) {
    v1::GroupSummary fleet;
    const bool parsed = FromJson(message.payload, &fleet).ok();
    absl::MutexLock lock(&mu_);
    if (parsed) {
      results_.fleet = std::move(fleet);
    } else {
      ++results_.undecodable;
    }
    return true;
  }
  if (!absl::StartsWith(message.topic, factory_prefix_)) return false;
  auto found = by_id_.find(message.topic.substr(factory_prefix_.size()));
  if (found == by_id_.end()) return false;
  // Parsed outside the lock: at the end of a large run the retained
  // results of every factory arrive at once.
  v1::FactorySummary summary;
  const bool parsed = FromJson(message.payload, &summary).ok();
  FactoryResult result;
  result.seen = true;
  result.reports = summary.reports();
  result.duplicates = summary.duplicates();
  result.overlapping = summary.overlapping_windows();
  result.nodes = summary.nodes();
  result.declared = summary.declared().numerator();
  result.built = summary.declared().denominator();
  result.observed = summary.observed().numerator();
  result.known = summary.observed().denominator();
  result.computed_at_ms = summary.computed_at_ms();
  absl::MutexLock lock(&mu_);
  if (!parsed) {
    ++results_.undecodable;
    return true;
  }
  FactoryResult& kept = results_.factories[found->second];
  // Retained and live copies may cross: the newest computation wins.
  if (!kept.seen || result.computed_at_ms >= kept.computed_at_ms) kept = result;
  return true;
}

CollectedResults ResultsCollector::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return results_;
}

ResultsCollector::Progress ResultsCollector::progress() const {
  absl::MutexLock lock(&mu_);
  Progress progress;
  progress.seen = results_.seen();
  progress.reports = results_.reports();
  progress.newest_computed_at_ms = results_.newest_computed_at_ms();
  if (results_.fleet.has_value()) progress.fleet_computed_at_ms = results_.fleet->computed_at_ms();
  return progress;
}

}  // namespace ftel
