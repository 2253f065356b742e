#include "agent/sources/simulated_source.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "libftel/platform/content_hash.h"

namespace ftel {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class SimulatedSource : public KpiSource {
 public:
  SimulatedSource(v1::SimulatedSourceConfig config, SourceBindings bindings)
      : config_(std::move(config)), bindings_(std::move(bindings)) {}

  SourceWindow TakeWindow(const ReportWindow& window) override {
    SourceWindow seen;
    for (const std::string& id : bindings_.scenario_ids) {
      seen.inferences[id] = Figure<uint64_t>::Known(InferenceCount(id, window));
    }
    for (const std::string& id : bindings_.work_unit_ids) {
      v1::WorkUnitElements elements;
      FillWorkUnit(id, window, &elements);
      seen.work_units[id] = Figure<v1::WorkUnitElements>::Known(std::move(elements));
    }
    return seen;
  }

 private:
  uint64_t InferenceCount(const std::string& scenario_id, const ReportWindow& window) const {
    if (Uniform(scenario_id, window, 0) >= config_.ai_activity()) return 0;
    const double scale = 0.5 + Uniform(scenario_id, window, 1);
    return std::max<uint64_t>(1, std::llround(config_.mean_inferences() * scale));
  }

  void FillWorkUnit(const std::string& id, const ReportWindow& window,
                    v1::WorkUnitElements* e) const {
    const double pbt = std::max<int64_t>(0, window.end_ms - window.start_ms) / 1000.0;
    const double apt = std::min(pbt, pbt * config_.availability() * Jitter(id, window, 0));
    const double pru = config_.planned_run_time_per_unit_s();
    // Stochastic rounding keeps short windows unbiased (0.4 parts is 1 part
    // in 40% of windows, not always 0).
    const auto pq = static_cast<uint64_t>(
        apt * config_.effectiveness() * Jitter(id, window, 1) / pru + Uniform(id, window, 4));
    const auto gq = std::min<uint64_t>(
        pq, static_cast<uint64_t>(pq * config_.quality() * Jitter(id, window, 2) +
                                  Uniform(id, window, 5)));
    const uint64_t bad = pq - gq;
    const bool failed = Uniform(id, window, 3) < 0.1;
    e->set_planned_busy_time_s(pbt);
    e->set_actual_production_time_s(apt);
    e->set_planned_run_time_per_unit_s(pru);
    e->set_produced_quantity(pq);
    e->set_good_quantity(gq);
    e->set_scrap_quantity(bad * 6 / 10);
    e->set_rework_quantity(bad - bad * 6 / 10);
    e->set_inspected_parts(pq);
    e->set_good_parts_first_pass(gq);
    e->set_failure_events(failed ? 1 : 0);
    e->set_time_between_failures_s(failed ? apt : 0);
    e->set_time_to_restoration_s(failed ? pbt - apt : 0);
    e->set_energy_kwh(0.05 * pq);
  }

  // Uniform in [0, 1), fixed by seed, entity, window and draw number.
  double Uniform(const std::string& entity, const ReportWindow& window, uint64_t draw) const {
    uint64_t x = SplitMix64(config_.seed() ^ Fnv1a64(entity));
    x = SplitMix64(x ^ window.sequence);
    x = SplitMix64(x ^ draw);
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  }

  // A factor in [0.97, 1.03).
  double Jitter(const std::string& entity, const ReportWindow& window, uint64_t draw) const {
    return 0.97 + 0.06 * Uniform(entity, window, 100 + draw);
  }

  const v1::SimulatedSourceConfig config_;
  const SourceBindings bindings_;
};

void CheckFraction(double value, const std::string& key, ConfigProblems* problems) {
  if (!(value > 0.0 && value <= 1.0)) problems->Add(key, "must be in (0, 1]");
}

}  // namespace

std::unique_ptr<KpiSource> CreateSimulatedSource(const v1::SourceConfig& config,
                                                 const SourceBindings& bindings,
                                                 const std::string& key_prefix,
                                                 ConfigProblems* problems) {
  v1::SimulatedSourceConfig settings = config.simulated();
  if (settings.seed() == 0) settings.set_seed(1);
  if (settings.ai_activity() == 0) settings.set_ai_activity(0.9);
  if (settings.mean_inferences() == 0) settings.set_mean_inferences(100);
  if (settings.availability() == 0) settings.set_availability(0.9);
  if (settings.effectiveness() == 0) settings.set_effectiveness(0.85);
  if (settings.quality() == 0) settings.set_quality(0.97);
  if (settings.planned_run_time_per_unit_s() == 0) settings.set_planned_run_time_per_unit_s(2);
  const std::string prefix = absl::StrCat(key_prefix, ".simulated");
  const size_t problems_before = problems->problems().size();
  CheckFraction(settings.ai_activity(), prefix + ".ai_activity", problems);
  CheckFraction(settings.availability(), prefix + ".availability", problems);
  CheckFraction(settings.effectiveness(), prefix + ".effectiveness", problems);
  CheckFraction(settings.quality(), prefix + ".quality", problems);
  if (!(settings.planned_run_time_per_unit_s() > 0)) {
    problems->Add(prefix + ".planned_run_time_per_unit_s", "must be greater than 0");
  }
  if (problems->problems().size() != problems_before) return nullptr;
  return std::make_unique<SimulatedSource>(std::move(settings), bindings);
}

}  // namespace ftel
