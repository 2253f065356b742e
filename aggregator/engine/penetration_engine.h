// Computes every published result from the fleet state: per factory, per
// process link, sector and region, and for the whole fleet. Group rates pool
// counts (sum of numerators / sum of denominators); per-factory rates only
// feed the distribution and the 20/60/70% marks.
//
//   FleetResults results = ComputeResults(state, catalogue, clock.NowMs());
#ifndef FTEL_AGGREGATOR_ENGINE_PENETRATION_ENGINE_H_
#define FTEL_AGGREGATOR_ENGINE_PENETRATION_ENGINE_H_

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "aggregator/state/fleet_state.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// The results of one computation. The summaries carry no computed_at_ms:
// the publisher stamps a result with `computed_at_ms` when it publishes it,
// so that time alone never makes a result new.
struct FleetResults {
  int64_t computed_at_ms = 0;
  // Ordered by factory id.
  std::vector<v1::FactorySummary> factories;
  // Links in catalogue order, then sectors, then regions, each by key.
  std::vector<v1::GroupSummary> groups;
  v1::GroupSummary fleet;
};

// Keeps every factory's counts between recomputes, so that a recompute
// rebuilds only the factories whose nodes changed (and flips the staleness of
// the others as the clock moves on); the groups are then pooled from the kept
// counts. Gives what ComputeResults gives for the same state.
//
//   ResultsCache cache(catalogue, stale_after_ms);
//   auto results = cache.Update(state, state.TakeChangedFactories(), now_ms, &changed);
class ResultsCache {
 public:
  ResultsCache(const ScenarioCatalogue& catalogue, int64_t stale_after_ms);
  ~ResultsCache();

  // `changed_factories`: every factory whose nodes changed since the last
  // call (all of them on the first). `changed_out`, if given, receives the
  // ids of the factories whose summary was rebuilt or changed staleness.
  std::shared_ptr<const FleetResults> Update(const FleetState& state,
                                             const std::set<std::string>& changed_factories,
                                             int64_t now_ms,
                                             std::vector<std::string>* changed_out = nullptr);

 private:
  struct Facts;
  const ScenarioCatalogue& catalogue_;
  const int64_t stale_after_ms_;
  std::map<std::string, Facts> facts_;
};

// All results from scratch. A factory is stale when no window of it ended
// within `stale_after_ms` of `now_ms` (or it never reported).
FleetResults ComputeResults(const FleetState& state, const ScenarioCatalogue& catalogue,
                            int64_t now_ms,
                            int64_t stale_after_ms = std::numeric_limits<int64_t>::max());

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_ENGINE_PENETRATION_ENGINE_H_
