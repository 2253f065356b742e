#include "bench/synthetic/typical_report.h"

#include "absl/strings/str_cat.h"
#include "bench/synthetic/report_builder.h"

namespace ftel {

FactoryProfile TypicalFactory(const ScenarioCatalogue& catalogue, const std::string& factory_id) {
  FactoryProfile profile;
  profile.factory_id = factory_id;
  profile.factory_name = "Benchmark Works";
  profile.sector = "electronics";
  profile.region = "jiangsu";
  int i = 0;
  for (const CatalogueScenario& s : catalogue.scenarios()) {
    ProfileScenario& scenario = profile.scenarios.emplace_back();
    scenario.catalogue_id = s.id;
    scenario.link = s.link_id;
    scenario.built = true;
    scenario.ai_declared = i % 2 == 0;
    if (scenario.ai_declared) {
      // 100 + i inferences in a 10 s window.
      scenario.inferences_per_s = (100 + i) / 10.0;
      scenario.model_id = absl::StrCat("model-", i);
    }
    ++i;
  }
  profile.inventory.set_terminals(400);
  profile.inventory.set_ai_capable_terminals(300);
  profile.inventory.set_key_equipment(120);
  profile.inventory.set_ai_enabled_key_equipment(80);
  // In a 10 s window: PBT 10 s, APT 9 s, 17 produced at 0.5 s each, 16 good
  // and 1 scrapped, 0.8 kWh.
  for (int u = 0; u < 20; ++u) {
    ProfileWorkUnit& unit = profile.work_units.emplace_back();
    unit.id = absl::StrCat("line-", u);
    unit.availability = 0.9;
    unit.planned_run_time_per_unit_s = 0.5;
    unit.performance = 17.0 / 18.0;
    unit.quality = 16.0 / 17.0;
    unit.scrap_share = 1;
    unit.energy_kwh_per_unit = 0.8 / 17.0;
  }
  return profile;
}

v1::Report TypicalReport(const ScenarioCatalogue& catalogue, const std::string& factory,
                         uint64_t sequence, int64_t end_ms) {
  ReportStamp stamp;
  stamp.node_id = "edge-1";
  stamp.session_id = 0x1234567890abcdefULL;
  stamp.sequence = sequence;
  stamp.window_start_ms = end_ms - 10000;
  stamp.window_end_ms = end_ms;
  v1::Report report;
  BuildReport(TypicalFactory(catalogue, factory), stamp, &report);
  return report;
}

int KpiSamples(const v1::Report& report) {
  return report.scenarios_size() * 3 + report.work_units_size() * 13 + 7;
}

}  // namespace ftel
