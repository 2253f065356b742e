// A group's results (the fleet, a sector, a region or a process link), kept
// up to date as its factories change: adding or taking away one factory
// costs O(log n) (aggregator/kpi/penetration_tally.h,
// aggregator/engine/element_totals_tree.h), and making the group's summary
// costs the same at 10 factories as at 100,000.
//
//   GroupTally fleet("fleet", "all");
//   facts.totals_slots[0] = fleet.Add(facts, "");
//   fleet.Remove(facts, "", facts.totals_slots[0]);  // with the facts as they were added
//   v1::GroupSummary summary = fleet.ToProto();
#ifndef FTEL_AGGREGATOR_ENGINE_GROUP_TALLY_H_
#define FTEL_AGGREGATOR_ENGINE_GROUP_TALLY_H_

#include <cstdint>
#include <map>
#include <string>

#include "aggregator/engine/element_totals_tree.h"
#include "aggregator/engine/factory_facts.h"
#include "aggregator/kpi/penetration_tally.h"
#include "ftel/v1/summary.pb.h"

namespace ftel {

// What the groups of one kind of scenario count share: factories, online
// and stale ones, and the declared and observed penetration of all of them
// and of the fresh ones.
class CoverageTally {
 public:
  void Add(const LinkCounts& counts, bool online, bool stale, int sign);
  void FillProto(v1::GroupSummary* group) const;
  uint32_t factories() const { return factories_; }

 private:
  uint32_t factories_ = 0;
  uint32_t online_ = 0;
  uint32_t stale_ = 0;
  double known_ = 0;
  double built_ = 0;
  PenetrationTally declared_;
  PenetrationTally observed_;
  PenetrationTally declared_fresh_;
  PenetrationTally observed_fresh_;
};

// The fleet, a sector or a region.
class GroupTally {
 public:
  GroupTally(std::string kind, std::string key);

  // `name`: how the factory names the group (its sector or region; empty
  // for the fleet). Returns the factory's slot for Remove.
  size_t Add(const FactoryFacts& facts, const std::string& name);
  // The facts exactly as they were added (they are read again).
  void Remove(const FactoryFacts& facts, const std::string& name, size_t slot);

  bool empty() const { return coverage_.factories() == 0; }
  v1::GroupSummary ToProto() const;

 private:
  void Count(const FactoryFacts& facts, int sign);

  const std::string kind_;
  const std::string key_;
  CoverageTally coverage_;
  uint64_t agent_dropped_ = 0;
  InventoryTotals inventory_;
  double received_ms_ = 0;
  double expected_ms_ = 0;
  ElementTotalsTree totals_;
  // How many factories give each spelling of the group's name: the most
  // common one is the group's name.
  std::map<std::string, uint32_t> names_;
};

// A process link of the catalogue: its factories are those with a built
// scenario of the link.
class LinkTally {
 public:
  LinkTally(std::string key, std::string name);

  // Nothing when the factory built no scenario of the link.
  void Add(const FactoryFacts& facts);
  void Remove(const FactoryFacts& facts);

  v1::GroupSummary ToProto() const;

 private:
  void Count(const FactoryFacts& facts, int sign);

  const std::string key_;
  const std::string name_;
  CoverageTally coverage_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_ENGINE_GROUP_TALLY_H_
