#include "agent/sources/static_source.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

// A count for a window `fraction` of the interval long, rounded down.
uint64_t Scaled(uint64_t count, double fraction) {
  return fraction >= 1.0 ? count : static_cast<uint64_t>(static_cast<double>(count) * fraction);
}

class StaticSource : public KpiSource {
 public:
  StaticSource(std::map<std::string, uint64_t> inferences,
               std::map<std::string, v1::WorkUnitElements> work_units, int64_t interval_ms)
      : inferences_(std::move(inferences)),
        work_units_(std::move(work_units)),
        interval_ms_(interval_ms) {}

  // The figures are per interval; a shorter window (one closed at a clock
  // step) gets its share, so that no time is longer than the window.
  SourceWindow TakeWindow(const ReportWindow& window) override {
    const double fraction = std::min(1.0, static_cast<double>(window.end_ms - window.start_ms) /
                                              static_cast<double>(interval_ms_));
    SourceWindow seen;
    for (const auto& [id, count] : inferences_) {
      seen.inferences[id] = Figure<uint64_t>::Known(Scaled(count, fraction));
    }
    for (const auto& [id, fixed] : work_units_) {
      v1::WorkUnitElements e = fixed;
      if (fraction < 1.0) {
        e.set_planned_busy_time_s(e.planned_busy_time_s() * fraction);
        e.set_actual_production_time_s(e.actual_production_time_s() * fraction);
        e.set_time_between_failures_s(e.time_between_failures_s() * fraction);
        e.set_time_to_restoration_s(e.time_to_restoration_s() * fraction);
        e.set_energy_kwh(e.energy_kwh() * fraction);
        e.set_produced_quantity(Scaled(e.produced_quantity(), fraction));
        e.set_good_quantity(Scaled(e.good_quantity(), fraction));
        e.set_scrap_quantity(Scaled(e.scrap_quantity(), fraction));
        e.set_rework_quantity(Scaled(e.rework_quantity(), fraction));
        e.set_good_parts_first_pass(Scaled(e.good_parts_first_pass(), fraction));
        e.set_inspected_parts(Scaled(e.inspected_parts(), fraction));
        e.set_failure_events(Scaled(e.failure_events(), fraction));
      }
      seen.work_units[id] = Figure<v1::WorkUnitElements>::Known(std::move(e));
    }
    return seen;
  }

 private:
  const std::map<std::string, uint64_t> inferences_;
  const std::map<std::string, v1::WorkUnitElements> work_units_;
  const int64_t interval_ms_;
};

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::unique_ptr<KpiSource> CreateStaticSource(const v1::SourceConfig& config,
                                              const SourceBindings& bindings,
                                              const std::string& key_prefix,
                                              ConfigProblems* problems) {
  const std::string prefix = absl::StrCat(key_prefix, ".fixed");
  const size_t problems_before = problems->problems().size();
  std::map<std::string, uint64_t> inferences;
  for (const auto& entry : config.fixed().inference_counts()) {
    if (!Contains(bindings.scenario_ids, entry.first)) {
      problems->Add(absl::StrCat(prefix, ".inference_counts.", entry.first),
                    "names a scenario whose evidence_source is not this source");
    }
    inferences[entry.first] = entry.second;
  }
  std::map<std::string, v1::WorkUnitElements> work_units;
  for (int i = 0; i < config.fixed().work_units_size(); ++i) {
    const v1::WorkUnitElements& elements = config.fixed().work_units(i);
    const std::string key = absl::StrCat(prefix, ".work_units[", i, "]");
    if (!Contains(bindings.work_unit_ids, elements.work_unit_id())) {
      problems->Add(absl::StrCat(key, ".work_unit_id"),
                    absl::StrCat("names '", elements.work_unit_id(),
                                 "', which is not a work unit bound to this source"));
    }
    if (elements.good_quantity() > elements.produced_quantity()) {
      problems->Add(absl::StrCat(key, ".good_quantity"), "must not exceed produced_quantity");
    }
    if (elements.actual_production_time_s() > elements.planned_busy_time_s()) {
      problems->Add(absl::StrCat(key, ".actual_production_time_s"),
                    "must not exceed planned_busy_time_s");
    }
    if (!work_units.emplace(elements.work_unit_id(), elements).second) {
      problems->Add(absl::StrCat(key, ".work_unit_id"), "duplicate work unit");
    }
  }
  for (const std::string& id : bindings.work_unit_ids) {
    if (work_units.count(id) == 0) {
      problems->Add(absl::StrCat(prefix, ".work_units"),
                    absl::StrCat("needs an entry for work unit '", id, "' bound to this source"));
    }
  }
  if (problems->problems().size() != problems_before) return nullptr;
  // A bound scenario without a count had none in any window.
  for (const std::string& id : bindings.scenario_ids) inferences.emplace(id, 0);
  return std::make_unique<StaticSource>(std::move(inferences), std::move(work_units),
                                        std::max<int64_t>(bindings.interval_ms, 1));
}

}  // namespace ftel
