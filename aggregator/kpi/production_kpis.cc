#include "aggregator/kpi/production_kpis.h"

#include "aggregator/kpi/rate_math.h"

namespace ftel {

void ElementTotals::Add(const v1::WorkUnitElements& e) {
  // What the agent could not read is left out, never read as 0: the KPIs
  // are over the known work-unit windows, and their coverage says how many.
  if (!e.unknown_reason().empty()) {
    ++unknown_unit_windows;
    return;
  }
  ++known_unit_windows;
  planned_busy_time_s += e.planned_busy_time_s();
  actual_production_time_s += e.actual_production_time_s();
  planned_run_time_s +=
      e.planned_run_time_per_unit_s() * static_cast<double>(e.produced_quantity());
  produced_quantity += static_cast<double>(e.produced_quantity());
  good_quantity += static_cast<double>(e.good_quantity());
  scrap_quantity += static_cast<double>(e.scrap_quantity());
  rework_quantity += static_cast<double>(e.rework_quantity());
  good_parts_first_pass += static_cast<double>(e.good_parts_first_pass());
  inspected_parts += static_cast<double>(e.inspected_parts());
  time_between_failures_s += e.time_between_failures_s();
  time_to_restoration_s += e.time_to_restoration_s();
  failure_events += static_cast<double>(e.failure_events());
  energy_kwh += e.energy_kwh();
}

void ElementTotals::Add(const ElementTotals& o) {
  planned_busy_time_s += o.planned_busy_time_s;
  actual_production_time_s += o.actual_production_time_s;
  planned_run_time_s += o.planned_run_time_s;
  produced_quantity += o.produced_quantity;
  good_quantity += o.good_quantity;
  scrap_quantity += o.scrap_quantity;
  rework_quantity += o.rework_quantity;
  good_parts_first_pass += o.good_parts_first_pass;
  inspected_parts += o.inspected_parts;
  time_between_failures_s += o.time_between_failures_s;
  time_to_restoration_s += o.time_to_restoration_s;
  failure_events += o.failure_events;
  energy_kwh += o.energy_kwh;
  windows += o.windows;
  known_unit_windows += o.known_unit_windows;
  unknown_unit_windows += o.unknown_unit_windows;
}

v1::ProductionKpis ElementTotals::ToKpis() const {
  v1::ProductionKpis kpis;
  *kpis.mutable_availability() = MakeRatio(actual_production_time_s, planned_busy_time_s);
  *kpis.mutable_effectiveness() = MakeRatio(planned_run_time_s, actual_production_time_s);
  *kpis.mutable_quality() = MakeRatio(good_quantity, produced_quantity);
  if (kpis.availability().has_percent() && kpis.effectiveness().has_percent() &&
      kpis.quality().has_percent()) {
    kpis.set_oee_percent(kpis.availability().percent() * kpis.effectiveness().percent() *
                         kpis.quality().percent() / 10000.0);
  }
  *kpis.mutable_first_pass_yield() = MakeRatio(good_parts_first_pass, inspected_parts);
  *kpis.mutable_scrap() = MakeRatio(scrap_quantity, produced_quantity);
  *kpis.mutable_rework() = MakeRatio(rework_quantity, produced_quantity);
  if (failure_events > 0) {
    kpis.set_mtbf_s(time_between_failures_s / failure_events);
    kpis.set_mttr_s(time_to_restoration_s / failure_events);
  }
  if (produced_quantity > 0) kpis.set_energy_kwh_per_unit(energy_kwh / produced_quantity);
  kpis.set_windows(windows);
  *kpis.mutable_coverage() =
      MakeRatio(static_cast<double>(known_unit_windows),
                static_cast<double>(known_unit_windows + unknown_unit_windows));
  return kpis;
}

v1::ElementTotalsSnapshot ElementTotals::ToSnapshot() const {
  v1::ElementTotalsSnapshot s;
  s.set_planned_busy_time_s(planned_busy_time_s);
  s.set_actual_production_time_s(actual_production_time_s);
  s.set_planned_run_time_s(planned_run_time_s);
  s.set_produced_quantity(produced_quantity);
  s.set_good_quantity(good_quantity);
  s.set_scrap_quantity(scrap_quantity);
  s.set_rework_quantity(rework_quantity);
  s.set_good_parts_first_pass(good_parts_first_pass);
  s.set_inspected_parts(inspected_parts);
  s.set_time_between_failures_s(time_between_failures_s);
  s.set_time_to_restoration_s(time_to_restoration_s);
  s.set_failure_events(failure_events);
  s.set_energy_kwh(energy_kwh);
  s.set_windows(windows);
  s.set_known_unit_windows(known_unit_windows);
  s.set_unknown_unit_windows(unknown_unit_windows);
  return s;
}

ElementTotals ElementTotals::FromSnapshot(const v1::ElementTotalsSnapshot& s) {
  ElementTotals t;
  t.planned_busy_time_s = s.planned_busy_time_s();
  t.actual_production_time_s = s.actual_production_time_s();
  t.planned_run_time_s = s.planned_run_time_s();
  t.produced_quantity = s.produced_quantity();
  t.good_quantity = s.good_quantity();
  t.scrap_quantity = s.scrap_quantity();
  t.rework_quantity = s.rework_quantity();
  t.good_parts_first_pass = s.good_parts_first_pass();
  t.inspected_parts = s.inspected_parts();
  t.time_between_failures_s = s.time_between_failures_s();
  t.time_to_restoration_s = s.time_to_restoration_s();
  t.failure_events = s.failure_events();
  t.energy_kwh = s.energy_kwh();
  t.windows = s.windows();
  t.known_unit_windows = s.known_unit_windows();
  t.unknown_unit_windows = s.unknown_unit_windows();
  // State saved before unknown figures: every work-unit window was known.
  if (t.known_unit_windows + t.unknown_unit_windows == 0 && t.planned_busy_time_s > 0) {
    t.known_unit_windows = t.windows;
  }
  return t;
}

}  // namespace ftel
