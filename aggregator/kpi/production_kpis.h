// ISO 22400-2 elements summed over work units and windows, and the KPIs
// derived from the sums (docs/metrics.md: sum the elements first, then divide).
//
//   ElementTotals totals;
//   for (const WorkUnitElements& e : report.work_units()) totals.Add(e);
//   ProductionKpis kpis = totals.ToKpis();
#ifndef FTEL_AGGREGATOR_KPI_PRODUCTION_KPIS_H_
#define FTEL_AGGREGATOR_KPI_PRODUCTION_KPIS_H_

#include <cstdint>

#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/summary.pb.h"

namespace ftel {

struct ElementTotals {
  double planned_busy_time_s = 0;
  double actual_production_time_s = 0;
  // sum over work units of PRU x PQ: the numerator of effectiveness.
  double planned_run_time_s = 0;
  double produced_quantity = 0;
  double good_quantity = 0;
  double scrap_quantity = 0;
  double rework_quantity = 0;
  double good_parts_first_pass = 0;
  double inspected_parts = 0;
  double time_between_failures_s = 0;
  double time_to_restoration_s = 0;
  double failure_events = 0;
  double energy_kwh = 0;
  uint64_t windows = 0;
  // Work-unit windows whose elements were known / unknown to the agent.
  uint64_t known_unit_windows = 0;
  uint64_t unknown_unit_windows = 0;

  void Add(const v1::WorkUnitElements& elements);
  void Add(const ElementTotals& other);
  v1::ProductionKpis ToKpis() const;
  v1::ElementTotalsSnapshot ToSnapshot() const;
  static ElementTotals FromSnapshot(const v1::ElementTotalsSnapshot& snapshot);
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_KPI_PRODUCTION_KPIS_H_
