#include "agent/sources/static_source.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

class StaticSource : public KpiSource {
 public:
  StaticSource(std::map<std::string, uint64_t> inferences,
               std::map<std::string, v1::WorkUnitElements> work_units)
      : inferences_(std::move(inferences)), work_units_(std::move(work_units)) {}

  uint64_t InferenceCount(const std::string& scenario_id, const ReportWindow&) override {
    auto it = inferences_.find(scenario_id);
    return it == inferences_.end() ? 0 : it->second;
  }

  void FillWorkUnit(const ReportWindow&, v1::WorkUnitElements* elements) override {
    auto it = work_units_.find(elements->work_unit_id());
    if (it != work_units_.end()) *elements = it->second;
  }

 private:
  const std::map<std::string, uint64_t> inferences_;
  const std::map<std::string, v1::WorkUnitElements> work_units_;
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
  return std::make_unique<StaticSource>(std::move(inferences), std::move(work_units));
}

}  // namespace ftel
