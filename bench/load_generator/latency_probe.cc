#include "bench/load_generator/latency_probe.h"

#include <algorithm>

#include "ftel/v1/summary.pb.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

int64_t Quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t at = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

LatencyProbe::LatencyProbe(const std::vector<SyntheticFactory>& fleet, const TopicScheme& topics,
                           int every) {
  for (size_t f = 0; every > 0 && f < fleet.size(); f += static_cast<size_t>(every)) {
    const std::string topic = topics.FactoryRatesTopic(fleet[f].profile.factory_id);
    topics_.push_back(topic);
    topic_of_[f] = topic;
    absl::MutexLock lock(&mu_);
    probes_[topic];
  }
}

void LatencyProbe::Published(size_t factory, uint64_t k, int64_t at_ms) {
  auto found = topic_of_.find(factory);
  if (found == topic_of_.end() || k == 0) return;
  absl::MutexLock lock(&mu_);
  std::vector<int64_t>& published = probes_[found->second].published_ms;
  if (published.size() < k) published.resize(k, -1);
  published[k - 1] = at_ms;
}

bool LatencyProbe::OnMessage(const MqttMessage& message, int64_t at_ms) {
  {
    absl::MutexLock lock(&mu_);
    if (probes_.count(message.topic) == 0) return false;
  }
  v1::FactorySummary summary;
  if (!FromJson(message.payload, &summary).ok()) return true;
  absl::MutexLock lock(&mu_);
  Probe& probe = probes_[message.topic];
  if (probe.published_ms.empty()) {
    probe.baseline = summary.reports();
    return true;
  }
  // Reports are counted in order for one node: a result counting n reports
  // is the first news of every report up to n not resolved before.
  const uint64_t now_counted =
      summary.reports() > probe.baseline ? summary.reports() - probe.baseline : 0;
  const uint64_t counted = std::min<uint64_t>(now_counted, probe.published_ms.size());
  for (; probe.resolved < counted; ++probe.resolved) {
    const int64_t published = probe.published_ms[probe.resolved];
    if (published >= 0) latencies_ms_.push_back(at_ms - published);
  }
  return true;
}

LatencyProbe::Figures LatencyProbe::figures() const {
  std::vector<int64_t> sorted;
  Figures figures;
  {
    absl::MutexLock lock(&mu_);
    sorted = latencies_ms_;
    figures.probes = static_cast<int>(probes_.size());
  }
  std::sort(sorted.begin(), sorted.end());
  figures.measured = sorted.size();
  figures.p50_ms = Quantile(sorted, 0.50);
  figures.p99_ms = Quantile(sorted, 0.99);
  figures.max_ms = sorted.empty() ? 0 : sorted.back();
  return figures;
}

}  // namespace ftel
