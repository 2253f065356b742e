// Publishes a flat view of the results for clients that read only flat
// {"name": number} JSON (Grafana's MQTT data source; the web dashboard's
// scenario matrix): one retained message per factory, group and the fleet on
// {root}/v1/flat/factory/{factory_id}, {root}/v1/flat/{link|sector|region}/{key}
// and {root}/v1/flat/fleet. Booleans are 0 or 1; a figure that is undefined
// (a percent over a zero denominator) is left out. A factory's view also
// carries its catalogue scenarios, merged over its nodes as the rates are:
// scenario.{id}.built, scenario.{id}.ai_declared, scenario.{id}.ai_observed.
// docs/protocol.md (Flat view) lists the names.
//
//   FlatViewPublisher flat(topic_root, config.flat_views(), transport);
//   flat.Publish(results, due_factories);  // after each recompute
//   flat.Reset();                              // after a reconnect
#ifndef FTEL_AGGREGATOR_OUTPUTS_FLAT_VIEW_PUBLISHER_H_
#define FTEL_AGGREGATOR_OUTPUTS_FLAT_VIEW_PUBLISHER_H_

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

namespace ftel {

using FlatView = std::map<std::string, double>;

// The flat figures of one factory, its scenarios as its summary has them.
FlatView FlatFactoryView(const v1::FactorySummary& factory);
// The flat figures of a link, sector or region group, or of the fleet.
FlatView FlatGroupView(const v1::GroupSummary& group);
// {"a":1,"b":0.5}: keys in order, numbers in the shortest form that reads back.
std::string FlatViewJson(const FlatView& view);

// Used by the aggregator's processing thread; the transport's completion
// callbacks only forget what failed, so that it is offered again.
class FlatViewPublisher {
 public:
  // `transport` is borrowed and must outlive the publisher. `views` says
  // which views go out (ALL_FLAT_VIEWS when unspecified).
  FlatViewPublisher(std::string topic_root, v1::AggregatorConfig::FlatViews views,
                    MqttTransport* transport);

  // Publishes the views of the groups, the fleet and the `factories` due
  // (every factory after a reset or a failed publish) that differ from what was last
  // published on their topics. Returns the number of messages handed to
  // the transport.
  uint64_t Publish(const FleetResults& results, const std::vector<DueFactory>& factories);
  // After a reconnect: everything is offered again.
  void Reset();

 private:
  // Nothing while not `connected`.
  uint64_t PublishIfChanged(const std::string& topic, std::string json, bool connected);

  const std::string root_;
  const v1::AggregatorConfig::FlatViews views_;
  MqttTransport* const transport_;
  absl::Mutex mu_;
  // The JSON last handed to the transport per topic.
  std::map<std::string, std::string> published_ ABSL_GUARDED_BY(mu_);
  bool offer_all_factories_ ABSL_GUARDED_BY(mu_) = true;
  // A publish of this round failed: the rest of it waits (set by the
  // transport's callbacks).
  std::atomic<bool> round_failed_{false};
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_FLAT_VIEW_PUBLISHER_H_
