#include "aggregator/engine/group_tally.h"

#include <utility>

#include "aggregator/kpi/rate_math.h"

namespace ftel {
namespace {

// Adds (sign 1) or takes away (sign -1) one factory's pair.
void Tally(PenetrationTally* tally, double numerator, double denominator, int sign) {
  if (sign > 0) {
    tally->Add(numerator, denominator);
  } else {
    tally->Remove(numerator, denominator);
  }
}

uint32_t Step(uint32_t count, bool counted, int sign) {
  if (!counted) return count;
  return sign > 0 ? count + 1 : count - 1;
}

}  // namespace

void CoverageTally::Add(const LinkCounts& counts, bool online, bool stale, int sign) {
  factories_ = Step(factories_, true, sign);
  online_ = Step(online_, online, sign);
  stale_ = Step(stale_, stale, sign);
  known_ += sign * counts.known;
  built_ += sign * counts.built;
  Tally(&declared_, counts.declared, counts.built, sign);
  Tally(&observed_, counts.observed, counts.known, sign);
  if (stale) return;
  Tally(&declared_fresh_, counts.declared, counts.built, sign);
  Tally(&observed_fresh_, counts.observed, counts.known, sign);
}

void CoverageTally::FillProto(v1::GroupSummary* group) const {
  group->set_factories(factories_);
  group->set_factories_online(online_);
  group->set_factories_stale(stale_);
  *group->mutable_declared() = declared_.ToProto();
  *group->mutable_observed() = observed_.ToProto();
  *group->mutable_declared_fresh() = declared_fresh_.ToProto();
  *group->mutable_observed_fresh() = observed_fresh_.ToProto();
  *group->mutable_evidence_coverage() = MakeRatio(known_, built_);
}

GroupTally::GroupTally(std::string kind, std::string key)
    : kind_(std::move(kind)), key_(std::move(key)) {}

size_t GroupTally::Add(const FactoryFacts& facts, const std::string& name) {
  Count(facts, 1);
  ++names_[name];
  return totals_.Insert(&facts.totals);
}

void GroupTally::Remove(const FactoryFacts& facts, const std::string& name, size_t slot) {
  Count(facts, -1);
  auto it = names_.find(name);
  if (it != names_.end() && --it->second == 0) names_.erase(it);
  totals_.Erase(slot);
}

void GroupTally::Count(const FactoryFacts& facts, int sign) {
  const v1::FactorySummary& summary = *facts.summary;
  coverage_.Add(facts.scenarios, summary.online(), summary.stale(), sign);
  agent_dropped_ += (sign > 0 ? 1 : UINT64_MAX) * summary.agent_dropped();
  inventory_.Add(facts.inventory, sign);
  received_ms_ += sign * facts.covered_ms;
  expected_ms_ += sign * facts.span_ms;
}

v1::GroupSummary GroupTally::ToProto() const {
  v1::GroupSummary group;
  group.set_kind(kind_);
  group.set_key(key_);
  // The most common spelling; of equally common ones the first in order.
  const std::pair<const std::string, uint32_t>* name = nullptr;
  for (const auto& entry : names_) {
    if (name == nullptr || entry.second > name->second) name = &entry;
  }
  if (name != nullptr) group.set_name(name->first);
  coverage_.FillProto(&group);
  group.set_agent_dropped(agent_dropped_);
  *group.mutable_terminals() = MakeRatio(static_cast<double>(inventory_.ai_capable_terminals),
                                         static_cast<double>(inventory_.terminals));
  *group.mutable_key_equipment() =
      MakeRatio(static_cast<double>(inventory_.ai_enabled_key_equipment),
                static_cast<double>(inventory_.key_equipment));
  group.set_vertical_models(Count32(inventory_.vertical_models));
  group.set_industrial_agents(Count32(inventory_.industrial_agents));
  group.set_industrial_software(Count32(inventory_.industrial_software));
  *group.mutable_production() = totals_.Total().ToKpis();
  *group.mutable_completeness() = MakeRatio(received_ms_, expected_ms_);
  return group;
}

LinkTally::LinkTally(std::string key, std::string name)
    : key_(std::move(key)), name_(std::move(name)) {}

void LinkTally::Add(const FactoryFacts& facts) { Count(facts, 1); }

void LinkTally::Remove(const FactoryFacts& facts) { Count(facts, -1); }

void LinkTally::Count(const FactoryFacts& facts, int sign) {
  auto it = facts.links.find(key_);
  if (it == facts.links.end() || it->second.built == 0) return;
  coverage_.Add(it->second, facts.summary->online(), facts.summary->stale(), sign);
}

v1::GroupSummary LinkTally::ToProto() const {
  v1::GroupSummary group;
  group.set_kind("link");
  group.set_key(key_);
  group.set_name(name_);
  coverage_.FillProto(&group);
  return group;
}

}  // namespace ftel
