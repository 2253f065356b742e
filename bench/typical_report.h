// The report the benchmarks use: a factory with all 40 catalogue scenarios
// (half AI-declared, with evidence) and 20 work units, as a large plant's
// edge box would send.
#ifndef FTEL_BENCH_TYPICAL_REPORT_H_
#define FTEL_BENCH_TYPICAL_REPORT_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "ftel/v1/report.pb.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

inline v1::Report TypicalReport(const ScenarioCatalogue& catalogue, const std::string& factory,
                                uint64_t sequence, int64_t end_ms) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory);
  report.mutable_identity()->set_node_id("edge-1");
  report.mutable_identity()->set_factory_name("Benchmark Works");
  report.mutable_identity()->set_sector("electronics");
  report.mutable_identity()->set_region("jiangsu");
  report.set_session_id(0x1234567890abcdefULL);
  report.set_sequence(sequence);
  report.set_window_start_ms(end_ms - 10000);
  report.set_window_end_ms(end_ms);
  int i = 0;
  for (const CatalogueScenario& s : catalogue.scenarios()) {
    v1::ScenarioCoverage* c = report.add_scenarios();
    c->set_catalogue_id(s.id);
    c->set_link(s.link_id);
    c->set_built(true);
    c->set_ai_declared(i % 2 == 0);
    if (i % 2 == 0) {
      c->mutable_evidence()->set_inference_count(100 + i);
      c->mutable_evidence()->add_model_ids(absl::StrCat("model-", i));
    }
    ++i;
  }
  report.mutable_inventory()->set_terminals(400);
  report.mutable_inventory()->set_ai_capable_terminals(300);
  report.mutable_inventory()->set_key_equipment(120);
  report.mutable_inventory()->set_ai_enabled_key_equipment(80);
  for (int u = 0; u < 20; ++u) {
    v1::WorkUnitElements* e = report.add_work_units();
    e->set_work_unit_id(absl::StrCat("line-", u));
    e->set_planned_busy_time_s(10);
    e->set_actual_production_time_s(9);
    e->set_planned_run_time_per_unit_s(0.5);
    e->set_produced_quantity(17);
    e->set_good_quantity(16);
    e->set_scrap_quantity(1);
    e->set_inspected_parts(17);
    e->set_good_parts_first_pass(16);
    e->set_energy_kwh(0.8);
  }
  return report;
}

// KPI samples in a report: per scenario built/AI/evidence, per work unit its
// 13 elements, and the 7 inventory counts.
inline int KpiSamples(const v1::Report& report) {
  return report.scenarios_size() * 3 + report.work_units_size() * 13 + 7;
}

}  // namespace ftel

#endif  // FTEL_BENCH_TYPICAL_REPORT_H_
