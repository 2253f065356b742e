#include "aggregator/kpi/production_kpis.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

v1::WorkUnitElements Unit(double pbt, double apt, double pru, uint64_t pq, uint64_t gq) {
  v1::WorkUnitElements e;
  e.set_planned_busy_time_s(pbt);
  e.set_actual_production_time_s(apt);
  e.set_planned_run_time_per_unit_s(pru);
  e.set_produced_quantity(pq);
  e.set_good_quantity(gq);
  return e;
}

TEST(ProductionKpis, OeeFromPooledElements) {
  ElementTotals totals;
  totals.Add(Unit(100, 80, 0.5, 120, 114));
  totals.Add(Unit(100, 50, 1.0, 40, 40));
  const v1::ProductionKpis kpis = totals.ToKpis();
  EXPECT_DOUBLE_EQ(kpis.availability().percent(), 65.0);                // 130 / 200
  EXPECT_DOUBLE_EQ(kpis.effectiveness().percent(), 100.0 * 100 / 130);  // (60 + 40) / 130
  EXPECT_DOUBLE_EQ(kpis.quality().percent(), 96.25);                    // 154 / 160
  // Pooled: 100/200 * 154/160. The mean of the two units' own OEEs (57% and
  // 40%) would be 48.5%.
  EXPECT_NEAR(kpis.oee_percent(), 48.125, 1e-9);
}

TEST(ProductionKpis, FailureAndEnergyFiguresNeedTheirDenominators) {
  ElementTotals totals;
  v1::WorkUnitElements e = Unit(100, 80, 1, 50, 45);
  e.set_failure_events(2);
  e.set_time_between_failures_s(80);
  e.set_time_to_restoration_s(20);
  e.set_energy_kwh(10);
  e.set_scrap_quantity(3);
  e.set_rework_quantity(2);
  e.set_inspected_parts(50);
  e.set_good_parts_first_pass(44);
  totals.Add(e);
  const v1::ProductionKpis kpis = totals.ToKpis();
  EXPECT_DOUBLE_EQ(kpis.mtbf_s(), 40);
  EXPECT_DOUBLE_EQ(kpis.mttr_s(), 10);
  EXPECT_DOUBLE_EQ(kpis.energy_kwh_per_unit(), 0.2);
  EXPECT_DOUBLE_EQ(kpis.scrap().percent(), 6);
  EXPECT_DOUBLE_EQ(kpis.rework().percent(), 4);
  EXPECT_DOUBLE_EQ(kpis.first_pass_yield().percent(), 88);

  const v1::ProductionKpis empty = ElementTotals{}.ToKpis();
  EXPECT_FALSE(empty.has_oee_percent());
  EXPECT_FALSE(empty.has_mtbf_s());
  EXPECT_FALSE(empty.has_energy_kwh_per_unit());
}

}  // namespace
}  // namespace ftel
