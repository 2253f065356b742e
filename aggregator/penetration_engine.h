// Computes every published result from the fleet state: per factory, per
// process link, sector and region, and for the whole fleet. Group rates pool
// counts (sum of numerators / sum of denominators); per-factory rates only
// feed the distribution and the 20/60/70% marks.
//
//   FleetResults results = ComputeResults(state, catalogue, clock.NowMs());
#ifndef FTEL_AGGREGATOR_PENETRATION_ENGINE_H_
#define FTEL_AGGREGATOR_PENETRATION_ENGINE_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "aggregator/fleet_state.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/scenario_catalogue.h"

namespace ftel {

struct FleetResults {
  // Ordered by factory id.
  std::vector<v1::FactorySummary> factories;
  // Links in catalogue order, then sectors, then regions, each by key.
  std::vector<v1::GroupSummary> groups;
  v1::GroupSummary fleet;
};

// A factory is stale when no window of it ended within `stale_after_ms` of
// `now_ms` (or it never reported).
FleetResults ComputeResults(const FleetState& state, const ScenarioCatalogue& catalogue,
                            int64_t now_ms,
                            int64_t stale_after_ms = std::numeric_limits<int64_t>::max());

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_PENETRATION_ENGINE_H_
