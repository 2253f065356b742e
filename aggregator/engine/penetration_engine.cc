#include "aggregator/engine/penetration_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "aggregator/kpi/production_kpis.h"
#include "aggregator/kpi/rate_math.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {
namespace {

// One scenario of one factory, merged over its nodes.
struct Coverage {
  bool built = false;
  bool declared = false;
  bool observed = false;
  // Its evidence was known within the horizon on some node.
  bool known = false;
  std::string link;
  int64_t last_evidence_ms = 0;
  uint64_t inferences = 0;
  int64_t horizon_ms = 0;
  std::string unknown_reason;
};

// Built catalogue scenarios of a factory (or of one link in it): declared,
// observed, and those whose evidence was known.
struct LinkCounts {
  double built = 0;
  double declared = 0;
  double observed = 0;
  double known = 0;
};

// One factory's counts, merged over its nodes, before any ratio is taken.
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

  void Add(const v1::InventoryCounts& from) {
    terminals += from.terminals();
    ai_capable_terminals += from.ai_capable_terminals();
    key_equipment += from.key_equipment();
    ai_enabled_key_equipment += from.ai_enabled_key_equipment();
    industrial_software += from.industrial_software();
    vertical_models += from.vertical_models();
    industrial_agents += from.industrial_agents();
  }
  void Add(const InventoryTotals& from) {
    terminals += from.terminals;
    ai_capable_terminals += from.ai_capable_terminals;
    key_equipment += from.key_equipment;
    ai_enabled_key_equipment += from.ai_enabled_key_equipment;
    industrial_software += from.industrial_software;
    vertical_models += from.vertical_models;
    industrial_agents += from.industrial_agents;
  }
};

// A 32-bit count of the published messages; saturates instead of wrapping.
uint32_t Count32(uint64_t count) {
  return static_cast<uint32_t>(std::min<uint64_t>(count, UINT32_MAX));
}

struct FactoryFacts {
  v1::FactorySummary summary;
  double built = 0;
  double declared = 0;
  double observed = 0;
  double known = 0;
  std::map<std::string, LinkCounts> links;
  InventoryTotals inventory;
  ElementTotals totals;
  double covered_ms = 0;
  double span_ms = 0;
};

// Time covered by a node's windows in the horizon, and the time from the
// first of them to its newest window's end: the share of the time its agent
// should have reported on that did arrive.
void AddCoverage(const NodeRecord& node, double* covered_ms, double* span_ms) {
  if (!node.has_report || node.windows.empty()) return;
  int64_t first_start = node.latest.window_start_ms();
  for (const auto& [id, window] : node.windows) {
    *covered_ms += static_cast<double>(window.end_ms - window.start_ms);
    first_start = std::min(first_start, window.start_ms);
  }
  *span_ms += static_cast<double>(node.latest.window_end_ms() - first_start);
}

}  // namespace

// One factory's counts and summary from its nodes (they are adjacent in the
// state's map, which is ordered by factory id).
struct ResultsCache::Facts : FactoryFacts {};

namespace {

void AddScenario(const std::string& id, bool custom, const Coverage& c,
                 v1::FactorySummary* summary) {
  v1::ScenarioSummary* s = summary->add_scenarios();
  s->set_id(id);
  s->set_custom(custom);
  s->set_link(c.link);
  s->set_built(c.built);
  s->set_ai_declared(c.declared);
  s->set_ai_observed(c.observed);
  s->set_evidence_known(c.known);
  if (c.last_evidence_ms > 0) s->set_last_evidence_ms(c.last_evidence_ms);
  s->set_inferences_in_horizon(c.inferences);
  s->set_evidence_horizon_s(static_cast<uint32_t>(c.horizon_ms / 1000));
  if (!c.known) s->set_unknown_reason(c.unknown_reason);
}

FactoryFacts CollectFactory(const FleetState& state, const std::string& factory_id) {
  FactoryFacts facts;
  // Scenario coverage merged over the nodes of the factory, by scenario id.
  std::map<std::string, Coverage> catalogue_coverage;
  std::map<std::string, Coverage> custom_coverage;
  v1::FactorySummary& summary = facts.summary;
  summary.set_factory_id(factory_id);
  for (auto it = state.nodes().lower_bound({factory_id, ""});
       it != state.nodes().end() && it->first.first == factory_id; ++it) {
    const NodeRecord& node = it->second;
    if (!node.identity.factory_name().empty())
      summary.set_factory_name(node.identity.factory_name());
    if (!node.identity.sector().empty()) summary.set_sector(node.identity.sector());
    if (!node.identity.region().empty()) summary.set_region(node.identity.region());
    summary.set_nodes(summary.nodes() + 1);
    if (node.online()) summary.set_nodes_online(summary.nodes_online() + 1);
    summary.set_reports(summary.reports() + node.reports);
    summary.set_duplicates(summary.duplicates() + node.duplicates);
    summary.set_overlapping_windows(summary.overlapping_windows() + node.overlapping);
    summary.set_unsynchronized_windows(summary.unsynchronized_windows() + node.unsynchronized);
    for (const auto& window : node.windows) facts.totals.Add(window.second.totals);
    AddCoverage(node, &facts.covered_ms, &facts.span_ms);
    if (!node.has_report) continue;
    const v1::AgentHealth& health = node.latest.health();
    summary.set_agent_spool_pending(summary.agent_spool_pending() + health.spool_pending());
    summary.set_agent_dropped(summary.agent_dropped() + health.dropped_full() +
                              health.dropped_expired() + health.dropped_disk_full());
    summary.set_last_window_end_ms(
        std::max(summary.last_window_end_ms(), node.latest.window_end_ms()));
    facts.inventory.Add(node.latest.inventory());
    // Observed over each scenario's evidence horizon, as of the node's
    // newest window (docs/metrics.md#observed).
    for (const v1::ScenarioCoverage& s : node.latest.scenarios()) {
      Coverage& c =
          s.has_custom_id() ? custom_coverage[s.custom_id()] : catalogue_coverage[s.catalogue_id()];
      const int64_t horizon_ms = state.EvidenceHorizonMs(s);
      const EvidenceHistory::Seen seen =
          node.evidence.At(ScenarioKey(s), node.latest.window_end_ms(), horizon_ms);
      c.built |= s.built();
      c.declared |= s.built() && s.ai_declared();
      c.observed |= s.built() && seen.observed;
      c.known |= seen.known;
      c.link = s.link();
      c.last_evidence_ms = std::max(c.last_evidence_ms, seen.last_evidence_ms);
      c.inferences += seen.inferences;
      c.horizon_ms = std::max(c.horizon_ms, horizon_ms);
      if (!seen.known && c.unknown_reason.empty()) c.unknown_reason = seen.unknown_reason;
    }
  }
  for (const auto& [id, c] : catalogue_coverage) {
    AddScenario(id, false, c, &summary);
    if (!c.built) continue;
    facts.built += 1;
    facts.declared += c.declared;
    facts.observed += c.observed;
    facts.known += c.known;
    LinkCounts& link = facts.links[c.link];
    link.built += 1;
    link.declared += c.declared;
    link.observed += c.observed;
    link.known += c.known;
  }
  for (const auto& [id, c] : custom_coverage) {
    AddScenario(id, true, c, &summary);
    summary.set_custom_built(summary.custom_built() + c.built);
    summary.set_custom_ai_declared(summary.custom_ai_declared() + c.declared);
    summary.set_custom_ai_observed(summary.custom_ai_observed() + c.observed);
  }
  summary.set_online(summary.nodes_online() > 0);
  *summary.mutable_declared() = MakeRatio(facts.declared, facts.built);
  // Observed over the scenarios whose evidence was known: an unknown one
  // is neither observed nor not, and evidence_coverage says how many.
  *summary.mutable_observed() = MakeRatio(facts.observed, facts.known);
  *summary.mutable_evidence_coverage() = MakeRatio(facts.known, facts.built);
  const InventoryTotals& inv = facts.inventory;
  *summary.mutable_terminals() =
      MakeRatio(static_cast<double>(inv.ai_capable_terminals), static_cast<double>(inv.terminals));
  *summary.mutable_key_equipment() = MakeRatio(static_cast<double>(inv.ai_enabled_key_equipment),
                                               static_cast<double>(inv.key_equipment));
  summary.set_vertical_models(Count32(inv.vertical_models));
  summary.set_industrial_agents(Count32(inv.industrial_agents));
  summary.set_industrial_software(Count32(inv.industrial_software));
  *summary.mutable_production() = facts.totals.ToKpis();
  *summary.mutable_completeness() = MakeRatio(facts.covered_ms, facts.span_ms);
  return facts;
}

bool IsStale(const v1::FactorySummary& summary, int64_t now_ms, int64_t stale_after_ms) {
  return summary.last_window_end_ms() == 0 ||
         now_ms - summary.last_window_end_ms() > stale_after_ms;
}

v1::GroupSummary SummarizeGroup(const std::string& kind, const std::string& key,
                                const std::vector<const FactoryFacts*>& members) {
  v1::GroupSummary group;
  group.set_kind(kind);
  group.set_key(key);
  RatePairs declared;
  RatePairs observed;
  RatePairs declared_fresh;
  RatePairs observed_fresh;
  InventoryTotals inventory;
  ElementTotals totals;
  double received = 0;
  double expected = 0;
  double known = 0;
  double built = 0;
  for (const FactoryFacts* facts : members) {
    known += facts->known;
    built += facts->built;
    received += facts->covered_ms;
    expected += facts->span_ms;
    group.set_agent_dropped(group.agent_dropped() + facts->summary.agent_dropped());
    group.set_factories(group.factories() + 1);
    if (facts->summary.online()) group.set_factories_online(group.factories_online() + 1);
    declared.emplace_back(facts->declared, facts->built);
    observed.emplace_back(facts->observed, facts->known);
    if (facts->summary.stale()) {
      group.set_factories_stale(group.factories_stale() + 1);
    } else {
      declared_fresh.emplace_back(facts->declared, facts->built);
      observed_fresh.emplace_back(facts->observed, facts->known);
    }
    inventory.Add(facts->inventory);
    totals.Add(facts->totals);
  }
  *group.mutable_declared() = PenetrationOf(declared);
  *group.mutable_observed() = PenetrationOf(observed);
  *group.mutable_declared_fresh() = PenetrationOf(declared_fresh);
  *group.mutable_observed_fresh() = PenetrationOf(observed_fresh);
  *group.mutable_terminals() = MakeRatio(static_cast<double>(inventory.ai_capable_terminals),
                                         static_cast<double>(inventory.terminals));
  *group.mutable_key_equipment() =
      MakeRatio(static_cast<double>(inventory.ai_enabled_key_equipment),
                static_cast<double>(inventory.key_equipment));
  group.set_vertical_models(Count32(inventory.vertical_models));
  group.set_industrial_agents(Count32(inventory.industrial_agents));
  group.set_industrial_software(Count32(inventory.industrial_software));
  *group.mutable_production() = totals.ToKpis();
  *group.mutable_completeness() = MakeRatio(received, expected);
  *group.mutable_evidence_coverage() = MakeRatio(known, built);
  return group;
}

template <typename FactsMap>
v1::GroupSummary SummarizeLink(const CatalogueLink& link, const FactsMap& factories) {
  v1::GroupSummary group;
  group.set_kind("link");
  group.set_key(link.id);
  group.set_name(link.name_en);
  RatePairs declared;
  RatePairs observed;
  RatePairs declared_fresh;
  RatePairs observed_fresh;
  double known = 0;
  double built = 0;
  for (const auto& [id, facts] : factories) {
    auto it = facts.links.find(link.id);
    if (it == facts.links.end() || it->second.built == 0) continue;
    group.set_factories(group.factories() + 1);
    if (facts.summary.online()) group.set_factories_online(group.factories_online() + 1);
    declared.emplace_back(it->second.declared, it->second.built);
    observed.emplace_back(it->second.observed, it->second.known);
    known += it->second.known;
    built += it->second.built;
    if (facts.summary.stale()) {
      group.set_factories_stale(group.factories_stale() + 1);
    } else {
      declared_fresh.emplace_back(it->second.declared, it->second.built);
      observed_fresh.emplace_back(it->second.observed, it->second.known);
    }
  }
  *group.mutable_evidence_coverage() = MakeRatio(known, built);
  *group.mutable_declared() = PenetrationOf(declared);
  *group.mutable_observed() = PenetrationOf(observed);
  *group.mutable_declared_fresh() = PenetrationOf(declared_fresh);
  *group.mutable_observed_fresh() = PenetrationOf(observed_fresh);
  return group;
}

}  // namespace

ResultsCache::ResultsCache(const ScenarioCatalogue& catalogue, int64_t stale_after_ms)
    : catalogue_(catalogue), stale_after_ms_(stale_after_ms) {}

ResultsCache::~ResultsCache() = default;

std::shared_ptr<const FleetResults> ResultsCache::Update(
    const FleetState& state, const std::set<std::string>& changed_factories, int64_t now_ms,
    std::vector<std::string>* changed_out) {
  std::vector<std::string> changed;
  for (const std::string& factory_id : changed_factories) {
    auto first = state.nodes().lower_bound({factory_id, ""});
    if (first == state.nodes().end() || first->first.first != factory_id) {
      facts_.erase(factory_id);
      continue;
    }
    Facts& facts = facts_[factory_id];
    static_cast<FactoryFacts&>(facts) = CollectFactory(state, factory_id);
    facts.summary.set_stale(IsStale(facts.summary, now_ms, stale_after_ms_));
    changed.push_back(factory_id);
  }
  // Staleness moves with the clock alone. A factory rebuilt above has its
  // current staleness already, so none is listed twice.
  for (auto& [factory_id, facts] : facts_) {
    const bool stale = IsStale(facts.summary, now_ms, stale_after_ms_);
    if (stale == facts.summary.stale()) continue;
    facts.summary.set_stale(stale);
    changed.push_back(factory_id);
  }

  auto results = std::make_shared<FleetResults>();
  std::map<std::string, std::vector<const FactoryFacts*>> sectors;
  std::map<std::string, std::vector<const FactoryFacts*>> regions;
  std::vector<const FactoryFacts*> all;
  all.reserve(facts_.size());
  results->factories.reserve(facts_.size());
  for (const auto& [id, facts] : facts_) {
    results->factories.push_back(facts.summary);
    sectors[TopicLevelFor(facts.summary.sector())].push_back(&facts);
    regions[TopicLevelFor(facts.summary.region())].push_back(&facts);
    all.push_back(&facts);
  }
  for (const CatalogueLink& link : catalogue_.links()) {
    results->groups.push_back(SummarizeLink(link, facts_));
  }
  for (const auto& [key, members] : sectors) {
    results->groups.push_back(SummarizeGroup("sector", key, members));
    results->groups.back().set_name(members.front()->summary.sector());
  }
  for (const auto& [key, members] : regions) {
    results->groups.push_back(SummarizeGroup("region", key, members));
    results->groups.back().set_name(members.front()->summary.region());
  }
  results->fleet = SummarizeGroup("fleet", "all", all);
  results->computed_at_ms = now_ms;
  if (changed_out != nullptr) *changed_out = std::move(changed);
  return results;
}

FleetResults ComputeResults(const FleetState& state, const ScenarioCatalogue& catalogue,
                            int64_t now_ms, int64_t stale_after_ms) {
  std::set<std::string> all;
  for (const auto& [key, node] : state.nodes()) all.insert(key.first);
  ResultsCache cache(catalogue, stale_after_ms);
  return *cache.Update(state, all, now_ms);
}

}  // namespace ftel
