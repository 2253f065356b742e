#include "bench/synthetic/report_builder.h"

#include <algorithm>
#include <cmath>

#include "bench/synthetic/random_draw.h"

namespace ftel {
namespace {

// The window's factor for one figure: 1 without variation, else uniform in
// [1 - variation, 1 + variation], the same for the same window.
double Jitter(const FactoryProfile& profile, const ReportStamp& stamp, uint64_t figure) {
  if (profile.variation == 0) return 1;
  const double u = UnitHash(profile.variation_seed, stamp.session_id, stamp.sequence, figure);
  return 1 + profile.variation * (2 * u - 1);
}

uint64_t Quantity(double value) {
  return value <= 0 ? 0 : static_cast<uint64_t>(std::llround(value));
}

void FillWorkUnit(const FactoryProfile& profile, const ReportStamp& stamp, size_t index,
                  v1::WorkUnitElements* e) {
  const ProfileWorkUnit& unit = profile.work_units[index];
  const double window_s = static_cast<double>(stamp.window_end_ms - stamp.window_start_ms) / 1000.0;
  const uint64_t salt = index * 8;
  // Planned for the whole window; the line runs for part of it.
  const double pbt = window_s;
  const double apt = std::min(pbt, pbt * unit.availability * Jitter(profile, stamp, salt));
  const uint64_t produced = Quantity(apt * unit.performance / unit.planned_run_time_per_unit_s *
                                     Jitter(profile, stamp, salt + 1));
  const uint64_t good = std::min(produced, Quantity(static_cast<double>(produced) * unit.quality));
  const uint64_t bad = produced - good;
  const uint64_t scrap = std::min(bad, Quantity(static_cast<double>(bad) * unit.scrap_share));
  // Failures: the expected number in the window, rounded by a draw, so that
  // a rate of 0.5 per window fails every other window on average.
  uint64_t failures = 0;
  if (unit.failures_per_hour > 0) {
    const double expected = unit.failures_per_hour * window_s / 3600.0;
    const double u = UnitHash(profile.variation_seed, stamp.session_id, stamp.sequence, salt + 2);
    failures = static_cast<uint64_t>(std::floor(expected + u));
  }
  e->set_work_unit_id(unit.id);
  e->set_planned_busy_time_s(pbt);
  e->set_actual_production_time_s(apt);
  e->set_planned_run_time_per_unit_s(unit.planned_run_time_per_unit_s);
  e->set_produced_quantity(produced);
  e->set_good_quantity(good);
  e->set_scrap_quantity(scrap);
  e->set_rework_quantity(bad - scrap);
  e->set_inspected_parts(produced);
  e->set_good_parts_first_pass(good);
  if (failures > 0) {
    // The time the line stood in the window was spent restoring it.
    e->set_failure_events(failures);
    e->set_time_between_failures_s(apt);
    e->set_time_to_restoration_s(pbt - apt);
  }
  e->set_energy_kwh(static_cast<double>(produced) * unit.energy_kwh_per_unit);
}

}  // namespace

uint32_t NodeShare(uint32_t count, int node, int nodes) {
  const uint32_t n = static_cast<uint32_t>(nodes);
  const uint32_t i = static_cast<uint32_t>(node);
  return count / n + (i < count % n ? 1 : 0);
}

void BuildReport(const FactoryProfile& profile, const ReportStamp& stamp, v1::Report* report) {
  report->Clear();
  report->set_schema_version(1);
  v1::NodeIdentity* identity = report->mutable_identity();
  identity->set_factory_id(profile.factory_id);
  identity->set_node_id(stamp.node_id);
  identity->set_factory_name(profile.factory_name);
  identity->set_sector(profile.sector);
  identity->set_region(profile.region);
  report->set_session_id(stamp.session_id);
  report->set_sequence(stamp.sequence);
  report->set_window_start_ms(stamp.window_start_ms);
  report->set_window_end_ms(stamp.window_end_ms);
  const double window_s = static_cast<double>(stamp.window_end_ms - stamp.window_start_ms) / 1000.0;
  for (size_t i = static_cast<size_t>(stamp.node); i < profile.scenarios.size();
       i += static_cast<size_t>(stamp.nodes)) {
    const ProfileScenario& s = profile.scenarios[i];
    v1::ScenarioCoverage* c = report->add_scenarios();
    c->set_catalogue_id(s.catalogue_id);
    c->set_link(s.link);
    c->set_built(s.built);
    c->set_ai_declared(s.ai_declared);
    if (!s.model_id.empty()) c->mutable_evidence()->add_model_ids(s.model_id);
    if (s.built && s.inferences_per_s > 0) {
      const double expected = s.inferences_per_s * window_s * Jitter(profile, stamp, 1000 + i);
      c->mutable_evidence()->set_inference_count(std::max<uint64_t>(1, Quantity(expected)));
    }
  }
  const v1::InventoryCounts& inv = profile.inventory;
  v1::InventoryCounts* share = report->mutable_inventory();
  const int node = stamp.node;
  const int nodes = stamp.nodes;
  share->set_terminals(NodeShare(inv.terminals(), node, nodes));
  share->set_ai_capable_terminals(NodeShare(inv.ai_capable_terminals(), node, nodes));
  share->set_key_equipment(NodeShare(inv.key_equipment(), node, nodes));
  share->set_ai_enabled_key_equipment(NodeShare(inv.ai_enabled_key_equipment(), node, nodes));
  share->set_industrial_software(NodeShare(inv.industrial_software(), node, nodes));
  share->set_vertical_models(NodeShare(inv.vertical_models(), node, nodes));
  share->set_industrial_agents(NodeShare(inv.industrial_agents(), node, nodes));
  for (size_t u = static_cast<size_t>(node); u < profile.work_units.size();
       u += static_cast<size_t>(nodes)) {
    FillWorkUnit(profile, stamp, u, report->add_work_units());
  }
  if (stamp.health.has_value()) *report->mutable_health() = *stamp.health;
  if (stamp.uncommitted_from > 0) report->set_uncommitted_from(stamp.uncommitted_from);
}

}  // namespace ftel
