// Computes every published result from the fleet state: per factory, per
// process link, sector and region, and for the whole fleet. Group rates pool
// counts (sum of numerators / sum of denominators); per-factory rates only
// feed the distribution and the 20/60/70% marks. A recompute costs what
// changed: the factories rebuilt, and O(log n) for each in each of its
// groups (aggregator/engine/group_tally.h).
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
#include <utility>
#include <vector>

#include "aggregator/engine/factory_facts.h"
#include "aggregator/engine/group_tally.h"
#include "aggregator/state/fleet_state.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// The results of one computation. The summaries carry no computed_at_ms:
// the publisher stamps a result with `computed_at_ms` when it publishes it,
// so that time alone never makes a result new.
struct FleetResults {
  int64_t computed_at_ms = 0;
  // Ordered by factory id; shared with the cache and the snapshots before
  // and after, so a snapshot copies no summary.
  std::vector<std::shared_ptr<const v1::FactorySummary>> factories;
  // Links in catalogue order, then sectors, then regions, each by key.
  std::vector<v1::GroupSummary> groups;
  v1::GroupSummary fleet;
};

// The summary of factory `id` in `results`, or null.
const v1::FactorySummary* FindFactory(const FleetResults& results, const std::string& id);

// Keeps every factory's counts between recomputes, so that a recompute
// rebuilds only the factories whose nodes changed (and flips the staleness of
// the others as the clock moves on), and keeps each group's tallies, which
// take the old counts of a changed factory away and add the new ones. Gives
// what ComputeResults gives for the same state.
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
  // Adds a factory's facts to its groups and the staleness indexes, or takes
  // them away (as they were added).
  void Enroll(const std::string& factory_id, FactoryFacts* facts);
  void Withdraw(const std::string& factory_id, const FactoryFacts& facts);
  void FlipStaleness(const std::string& factory_id, std::vector<std::string>* changed);

  const int64_t stale_after_ms_;
  std::map<std::string, FactoryFacts> facts_;
  GroupTally fleet_;
  // By topic level of the sector or region name.
  std::map<std::string, GroupTally> sectors_;
  std::map<std::string, GroupTally> regions_;
  // In catalogue order.
  std::vector<LinkTally> links_;
  // Factories that reported, by the end of their newest window: the fresh
  // ones turn stale from the oldest end, the stale ones fresh again (a clock
  // stepped back) from the newest.
  std::set<std::pair<int64_t, std::string>> fresh_by_end_;
  std::set<std::pair<int64_t, std::string>> stale_by_end_;
};

// All results from scratch. A factory is stale when no window of it ended
// within `stale_after_ms` of `now_ms` (or it never reported).
FleetResults ComputeResults(const FleetState& state, const ScenarioCatalogue& catalogue,
                            int64_t now_ms,
                            int64_t stale_after_ms = std::numeric_limits<int64_t>::max());

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_ENGINE_PENETRATION_ENGINE_H_
