// One factory's counts, merged over its nodes, before any ratio is taken:
// what the results cache keeps per factory and adds to its groups.
#ifndef FTEL_AGGREGATOR_ENGINE_FACTORY_FACTS_H_
#define FTEL_AGGREGATOR_ENGINE_FACTORY_FACTS_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "aggregator/kpi/production_kpis.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/summary.pb.h"

namespace ftel {

// Built catalogue scenarios of a factory (or of one link in it): declared,
// observed, and those whose evidence was known. Whole counts.
struct LinkCounts {
  double built = 0;
  double declared = 0;
  double observed = 0;
  double known = 0;
};

// Inventory summed over nodes and factories in 64 bits: the message's 32-bit
// counts would wrap over a large fleet.
struct InventoryTotals {
  uint64_t terminals = 0;
  uint64_t ai_capable_terminals = 0;
  uint64_t key_equipment = 0;
  uint64_t ai_enabled_key_equipment = 0;
  uint64_t industrial_software = 0;
  uint64_t vertical_models = 0;
  uint64_t industrial_agents = 0;

  void Add(const v1::InventoryCounts& from);
  // Adds (sign 1) or takes away (sign -1) another total.
  void Add(const InventoryTotals& from, int sign = 1);
};

// A 32-bit count of the published messages; saturates instead of wrapping.
inline uint32_t Count32(uint64_t count) {
  return static_cast<uint32_t>(std::min<uint64_t>(count, UINT32_MAX));
}

struct FactoryFacts {
  // Shared with the published snapshots; replaced, never changed in place.
  std::shared_ptr<const v1::FactorySummary> summary;
  LinkCounts scenarios;
  std::map<std::string, LinkCounts> links;
  InventoryTotals inventory;
  ElementTotals totals;
  double covered_ms = 0;
  double span_ms = 0;
  // The factory's slots in the element-totals trees of the fleet, its
  // sector and its region (aggregator/engine/group_tally.h).
  std::array<size_t, 3> totals_slots = {0, 0, 0};
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_ENGINE_FACTORY_FACTS_H_
