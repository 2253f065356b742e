// Publish-to-retained-result latency, measured on a sample of the fleet: for
// each probe factory (one node), when its k-th report was handed to the
// broker, and when the first retained result of the factory counting k
// reports arrived. The aggregator's results are republished at most every
// `publish_min_interval_ms`, so that interval is part of what is measured.
//
//   LatencyProbe probe(fleet, topics, /*every=*/2000);
//   for (const std::string& t : probe.topics()) watcher->Subscribe(t, 1);
//   probe.Published(factory, k, now_ms);      // after each report's publish
//   probe.OnMessage(message, now_ms);         // on the watcher's thread
//   LatencyProbe::Figures f = probe.figures();
#ifndef FTEL_BENCH_LOAD_GENERATOR_LATENCY_PROBE_H_
#define FTEL_BENCH_LOAD_GENERATOR_LATENCY_PROBE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "bench/synthetic/synthetic_fleet.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

// Thread-safe: publishes are noted on the publishing threads, results arrive
// on the transport's thread.
class LatencyProbe {
 public:
  // Probes every `every`-th factory of `fleet` (borrowed), the first included.
  LatencyProbe(const std::vector<SyntheticFactory>& fleet, const TopicScheme& topics, int every);

  // The JSON rates topics of the probe factories, to subscribe to.
  const std::vector<std::string>& topics() const { return topics_; }
  // The k-th report (k counts from 1) of fleet factory `factory` was handed
  // to the broker at `at_ms`; ignored for factories that are not probes.
  void Published(size_t factory, uint64_t k, int64_t at_ms) ABSL_LOCKS_EXCLUDED(mu_);
  // Takes a probe factory's result; false for any other message.
  bool OnMessage(const MqttMessage& message, int64_t at_ms) ABSL_LOCKS_EXCLUDED(mu_);

  struct Figures {
    int probes = 0;
    uint64_t measured = 0;  // reports whose counting result arrived
    int64_t p50_ms = 0;
    int64_t p99_ms = 0;
    int64_t max_ms = 0;
  };
  Figures figures() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Probe {
    std::vector<int64_t> published_ms;  // [k - 1]
    uint64_t resolved = 0;              // reports whose latency is known
    // What a result retained before this run's first report counted (an
    // aggregator that knew the factory already).
    uint64_t baseline = 0;
  };
  std::vector<std::string> topics_;
  std::map<size_t, std::string> topic_of_;  // fleet index -> topic
  mutable absl::Mutex mu_;
  std::map<std::string, Probe> probes_ ABSL_GUARDED_BY(mu_);  // by topic
  std::vector<int64_t> latencies_ms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_LATENCY_PROBE_H_
