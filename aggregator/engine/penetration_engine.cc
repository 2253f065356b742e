#include "aggregator/engine/penetration_engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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

// A factory is stale when no window of it ended within `stale_after_ms` of
// `now_ms`, or it never reported.
bool IsStale(int64_t last_window_end_ms, int64_t now_ms, int64_t stale_after_ms) {
  return last_window_end_ms == 0 || now_ms - last_window_end_ms > stale_after_ms;
}

// Time covered by a node's windows in the horizon, and the time from the
// first of them to its newest window's end: the share of the time its agent
// should have reported on that did arrive.
void AddCoverage(const NodeRecord& node, double* covered_ms, double* span_ms) {
  if (!node.has_report || node.windows.empty()) return;
  int64_t first_start = node.newest.window_start_ms;
  for (const auto& [id, window] : node.windows) {
    *covered_ms += static_cast<double>(window.end_ms - window.start_ms);
    first_start = std::min(first_start, window.start_ms);
  }
  *span_ms += static_cast<double>(node.newest.window_end_ms - first_start);
}

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

// One factory's counts and summary from its nodes (they are adjacent in the
// state's map, which is ordered by factory id); the summary's staleness as
// of `now_ms`.
FactoryFacts CollectFactory(const FleetState& state, const std::string& factory_id, int64_t now_ms,
                            int64_t stale_after_ms) {
  FactoryFacts facts;
  // Scenario coverage merged over the nodes of the factory, by scenario id.
  std::map<std::string, Coverage> catalogue_coverage;
  std::map<std::string, Coverage> custom_coverage;
  auto summary_owner = std::make_shared<v1::FactorySummary>();
  v1::FactorySummary& summary = *summary_owner;
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
    const NewestReport& newest = node.newest;
    summary.set_agent_spool_pending(summary.agent_spool_pending() + newest.spool_pending);
    summary.set_agent_dropped(summary.agent_dropped() + newest.dropped);
    summary.set_last_window_end_ms(std::max(summary.last_window_end_ms(), newest.window_end_ms));
    facts.inventory.Add(newest.inventory);
    // Observed over each scenario's evidence horizon, as of the node's
    // newest window (docs/metrics.md#observed).
    for (const NewestScenario& s : newest.scenarios) {
      Coverage& c = s.custom ? custom_coverage[s.id()] : catalogue_coverage[s.id()];
      const int64_t horizon_ms = state.EvidenceHorizonMs(s);
      const EvidenceHistory::Seen seen =
          node.evidence.At(StringPool::Text(s.key), newest.window_end_ms, horizon_ms);
      c.built |= s.built;
      c.declared |= s.built && s.ai_declared;
      c.observed |= s.built && seen.observed;
      c.known |= seen.known;
      c.link = StringPool::Text(s.link);
      c.last_evidence_ms = std::max(c.last_evidence_ms, seen.last_evidence_ms);
      c.inferences += seen.inferences;
      c.horizon_ms = std::max(c.horizon_ms, horizon_ms);
      if (!seen.known && c.unknown_reason.empty()) c.unknown_reason = seen.unknown_reason;
    }
  }
  for (const auto& [id, c] : catalogue_coverage) {
    AddScenario(id, false, c, &summary);
    if (!c.built) continue;
    facts.scenarios.built += 1;
    facts.scenarios.declared += c.declared;
    facts.scenarios.observed += c.observed;
    facts.scenarios.known += c.known;
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
  *summary.mutable_declared() = MakeRatio(facts.scenarios.declared, facts.scenarios.built);
  // Observed over the scenarios whose evidence was known: an unknown one
  // is neither observed nor not, and evidence_coverage says how many.
  *summary.mutable_observed() = MakeRatio(facts.scenarios.observed, facts.scenarios.known);
  *summary.mutable_evidence_coverage() = MakeRatio(facts.scenarios.known, facts.scenarios.built);
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
  summary.set_stale(IsStale(summary.last_window_end_ms(), now_ms, stale_after_ms));
  facts.summary = std::move(summary_owner);
  return facts;
}

}  // namespace

ResultsCache::ResultsCache(const ScenarioCatalogue& catalogue, int64_t stale_after_ms)
    : stale_after_ms_(stale_after_ms), fleet_("fleet", "all") {
  links_.reserve(catalogue.links().size());
  for (const CatalogueLink& link : catalogue.links()) links_.emplace_back(link.id, link.name_en);
}

ResultsCache::~ResultsCache() = default;

void ResultsCache::Enroll(const std::string& factory_id, FactoryFacts* facts) {
  const v1::FactorySummary& summary = *facts->summary;
  facts->totals_slots[0] = fleet_.Add(*facts, "");
  facts->totals_slots[1] =
      sectors_
          .try_emplace(TopicLevelFor(summary.sector()), "sector", TopicLevelFor(summary.sector()))
          .first->second.Add(*facts, summary.sector());
  facts->totals_slots[2] =
      regions_
          .try_emplace(TopicLevelFor(summary.region()), "region", TopicLevelFor(summary.region()))
          .first->second.Add(*facts, summary.region());
  for (LinkTally& link : links_) link.Add(*facts);
  if (summary.last_window_end_ms() != 0) {
    (summary.stale() ? stale_by_end_ : fresh_by_end_)
        .emplace(summary.last_window_end_ms(), factory_id);
  }
}

void ResultsCache::Withdraw(const std::string& factory_id, const FactoryFacts& facts) {
  const v1::FactorySummary& summary = *facts.summary;
  fleet_.Remove(facts, "", facts.totals_slots[0]);
  for (auto [groups, name, slot] :
       {std::tuple{&sectors_, &summary.sector(), facts.totals_slots[1]},
        std::tuple{&regions_, &summary.region(), facts.totals_slots[2]}}) {
    auto group = groups->find(TopicLevelFor(*name));
    if (group == groups->end()) continue;
    group->second.Remove(facts, *name, slot);
    if (group->second.empty()) groups->erase(group);
  }
  for (LinkTally& link : links_) link.Remove(facts);
  (summary.stale() ? stale_by_end_ : fresh_by_end_)
      .erase({summary.last_window_end_ms(), factory_id});
}

void ResultsCache::FlipStaleness(const std::string& factory_id, std::vector<std::string>* changed) {
  FactoryFacts& facts = facts_.at(factory_id);
  Withdraw(factory_id, facts);
  auto summary = std::make_shared<v1::FactorySummary>(*facts.summary);
  summary->set_stale(!summary->stale());
  facts.summary = std::move(summary);
  Enroll(factory_id, &facts);
  changed->push_back(factory_id);
}

std::shared_ptr<const FleetResults> ResultsCache::Update(
    const FleetState& state, const std::set<std::string>& changed_factories, int64_t now_ms,
    std::vector<std::string>* changed_out) {
  std::vector<std::string> changed;
  for (const std::string& factory_id : changed_factories) {
    auto it = facts_.find(factory_id);
    if (it != facts_.end()) Withdraw(factory_id, it->second);
    auto first = state.nodes().lower_bound({factory_id, ""});
    if (first == state.nodes().end() || first->first.first != factory_id) {
      if (it != facts_.end()) facts_.erase(it);
      continue;
    }
    if (it == facts_.end()) it = facts_.try_emplace(factory_id).first;
    it->second = CollectFactory(state, factory_id, now_ms, stale_after_ms_);
    Enroll(factory_id, &it->second);
    changed.push_back(factory_id);
  }
  // Staleness moves with the clock alone, either way if the clock steps
  // back: only the factories at the edge of the indexes are looked at. A
  // factory rebuilt above has its current staleness already, so none is
  // listed twice.
  while (!fresh_by_end_.empty() && IsStale(fresh_by_end_.begin()->first, now_ms, stale_after_ms_)) {
    FlipStaleness(std::string(fresh_by_end_.begin()->second), &changed);
  }
  while (!stale_by_end_.empty() &&
         !IsStale(stale_by_end_.rbegin()->first, now_ms, stale_after_ms_)) {
    FlipStaleness(std::string(stale_by_end_.rbegin()->second), &changed);
  }

  auto results = std::make_shared<FleetResults>();
  results->factories.reserve(facts_.size());
  for (const auto& [id, facts] : facts_) results->factories.push_back(facts.summary);
  results->groups.reserve(links_.size() + sectors_.size() + regions_.size());
  for (const LinkTally& link : links_) results->groups.push_back(link.ToProto());
  for (const auto& [key, sector] : sectors_) results->groups.push_back(sector.ToProto());
  for (const auto& [key, region] : regions_) results->groups.push_back(region.ToProto());
  results->fleet = fleet_.ToProto();
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

const v1::FactorySummary* FindFactory(const FleetResults& results, const std::string& id) {
  // results.factories is ordered by factory id.
  auto it = std::lower_bound(
      results.factories.begin(), results.factories.end(), id,
      [](const auto& factory, const std::string& key) { return factory->factory_id() < key; });
  return it != results.factories.end() && (*it)->factory_id() == id ? it->get() : nullptr;
}

}  // namespace ftel
