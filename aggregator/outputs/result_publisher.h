// Publishes the aggregator's results as retained MQTT messages: every
// factory, group and fleet summary in JSON and/or protobuf (per the config's
// `outputs`), and the groups' histories in JSON. A result is published only
// when it differs from what this publisher last published on its topic; the
// comparison is made before the result is stamped with computed_at_ms, so
// time alone never makes a result new, and computed_at_ms is the time of the
// last change. After a reconnect, or when a publish failed, everything is
// offered again, still stamped with the time of its last change.
//
//   ResultPublisher publisher(config, transport);
//   publisher.PublishResults(results, due_factories);  // after a recompute
//   publisher.Reset();                                     // after a reconnect
#ifndef FTEL_AGGREGATOR_OUTPUTS_RESULT_PUBLISHER_H_
#define FTEL_AGGREGATOR_OUTPUTS_RESULT_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "aggregator/engine/penetration_engine.h"
#include "aggregator/outputs/factory_publish_schedule.h"
#include "ftel/v1/aggregator_config.pb.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

// Used by the aggregator's processing thread; the transport's completion
// callbacks (another thread) only record failures.
class ResultPublisher {
 public:
  // `transport` is borrowed and must outlive the publisher.
  ResultPublisher(const std::string& topic_root, v1::AggregatorConfig::Outputs outputs,
                  MqttTransport* transport);

  // Publishes what changed in one recompute: the factories listed in
  // `changed_factories` (every factory after a Reset or a failure), every
  // group and the fleet, each only if it differs from what was published.
  // Returns the number of messages handed to the transport.
  uint64_t PublishResults(const FleetResults& results, const std::vector<DueFactory>& factories);
  // A group's history, in JSON, if it changed.
  uint64_t PublishHistory(const v1::History& history);

  // The broker may have lost our retained results (a reconnect): forget
  // what was published, so that everything is offered again.
  void Reset();
  // Whether a publish failed since the last call; the failed topics are
  // then offered again at the next PublishResults, with every factory.
  bool TakeFailures();

 private:
  // Publishes `result` (stamped with `computed_at_ms` when given) on its
  // topics unless it equals what was last published there; nothing while
  // not `connected`.
  template <typename Result>
  uint64_t PublishIfChanged(const std::string& json_topic, const std::string& binary_topic,
                            const Result& result, int64_t computed_at_ms, bool connected);

  const TopicScheme topics_;
  const v1::AggregatorConfig::Outputs outputs_;
  MqttTransport* const transport_;
  // What was last published per JSON topic.
  struct Published {
    bool known = false;     // published at least once
    std::string unstamped;  // serialised before the stamp
    int64_t stamped_at_ms = 0;
    // False after a Reset or a failure: offered again, with the same stamp
    // when the result is still the same.
    bool on_broker = false;
  };
  std::map<std::string, Published> published_;
  bool offer_all_factories_ = true;

  absl::Mutex failed_mu_;
  std::vector<std::string> failed_topics_ ABSL_GUARDED_BY(failed_mu_);
  // A publish of this round failed: the rest of it waits (set by the
  // transport's callbacks).
  std::atomic<bool> round_failed_{false};
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_RESULT_PUBLISHER_H_
