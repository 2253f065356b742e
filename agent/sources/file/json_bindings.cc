#include "agent/sources/file/json_bindings.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "libftel/schema/json_path.h"

namespace ftel {
namespace {

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The element fields of a work-unit binding, by element name.
std::vector<std::pair<std::string, const v1::JsonFigure*>> ElementFields(
    const v1::JsonWorkUnitBinding& unit) {
  std::vector<std::pair<std::string, const v1::JsonFigure*>> fields;
  auto add = [&](const char* name, bool has, const v1::JsonFigure& figure) {
    if (has) fields.emplace_back(name, &figure);
  };
  add("planned_busy_time_s", unit.has_planned_busy_time_s(), unit.planned_busy_time_s());
  add("actual_production_time_s", unit.has_actual_production_time_s(),
      unit.actual_production_time_s());
  add("produced_quantity", unit.has_produced_quantity(), unit.produced_quantity());
  add("good_quantity", unit.has_good_quantity(), unit.good_quantity());
  add("scrap_quantity", unit.has_scrap_quantity(), unit.scrap_quantity());
  add("rework_quantity", unit.has_rework_quantity(), unit.rework_quantity());
  add("inspected_parts", unit.has_inspected_parts(), unit.inspected_parts());
  add("good_parts_first_pass", unit.has_good_parts_first_pass(), unit.good_parts_first_pass());
  add("failure_events", unit.has_failure_events(), unit.failure_events());
  add("energy_kwh", unit.has_energy_kwh(), unit.energy_kwh());
  return fields;
}

void CheckFigure(const v1::JsonFigure& figure, const std::string& key, ConfigProblems* problems) {
  if (std::string problem = JsonPathProblem(figure.field()); !problem.empty()) {
    problems->Add(key + ".field", problem);
  }
  if (figure.scale() < 0 || !std::isfinite(figure.scale())) {
    problems->Add(key + ".scale", "must be greater than 0");
  }
}

uint64_t Quantity(double value) {
  return static_cast<uint64_t>(std::llround(std::max(value, 0.0)));
}

}  // namespace

void CheckJsonBindings(const JsonScenarioBindings& scenarios, const JsonWorkUnitBindings& units,
                       const SourceBindings& bindings, const std::string& prefix,
                       ConfigProblems* problems) {
  std::set<std::string> seen;
  for (int i = 0; i < scenarios.size(); ++i) {
    const std::string key = absl::StrCat(prefix, ".scenarios[", i, "]");
    const v1::JsonScenarioBinding& s = scenarios[i];
    if (!Contains(bindings.scenario_ids, s.scenario_id())) {
      problems->Add(
          key + ".scenario_id",
          absl::StrCat("names '", s.scenario_id(),
                       "', which is not a scenario whose evidence_source is this source"));
    }
    if (!seen.insert(s.scenario_id()).second) problems->Add(key + ".scenario_id", "duplicate");
    if (!s.has_inferences()) {
      problems->Add(key + ".inferences", "is required");
    } else {
      CheckFigure(s.inferences(), key + ".inferences", problems);
    }
  }
  for (const std::string& id : bindings.scenario_ids) {
    if (seen.count(id) == 0) {
      problems->Add(prefix + ".scenarios",
                    absl::StrCat("needs an entry for scenario '", id, "' bound to this source"));
    }
  }
  seen.clear();
  for (int i = 0; i < units.size(); ++i) {
    const std::string key = absl::StrCat(prefix, ".work_units[", i, "]");
    const v1::JsonWorkUnitBinding& u = units[i];
    if (!Contains(bindings.work_unit_ids, u.work_unit_id())) {
      problems->Add(key + ".work_unit_id",
                    absl::StrCat("names '", u.work_unit_id(),
                                 "', which is not a work unit bound to this source"));
    }
    if (!seen.insert(u.work_unit_id()).second) problems->Add(key + ".work_unit_id", "duplicate");
    if (u.planned_run_time_per_unit_s() < 0) {
      problems->Add(key + ".planned_run_time_per_unit_s", "must not be negative");
    }
    const auto fields = ElementFields(u);
    if (fields.empty()) problems->Add(key, "needs at least one element with a field");
    for (const auto& [name, figure] : fields) CheckFigure(*figure, key + "." + name, problems);
  }
  for (const std::string& id : bindings.work_unit_ids) {
    if (seen.count(id) == 0) {
      problems->Add(prefix + ".work_units",
                    absl::StrCat("needs an entry for work unit '", id, "' bound to this source"));
    }
  }
}

JsonWindowAccumulator::JsonWindowAccumulator(const JsonScenarioBindings& scenarios,
                                             const JsonWorkUnitBindings& units) {
  for (const v1::JsonScenarioBinding& s : scenarios) {
    inferences_[s.scenario_id()].config = s.inferences();
  }
  for (const v1::JsonWorkUnitBinding& u : units) {
    Unit& unit = units_[u.work_unit_id()];
    unit.planned_run_time_per_unit_s = u.planned_run_time_per_unit_s();
    for (const auto& [name, figure] : ElementFields(u)) unit.elements[name].config = *figure;
  }
}

void JsonWindowAccumulator::Read(const google::protobuf::Value& document, Figure* figure) {
  absl::StatusOr<double> value = NumberAtPath(document, figure->config.field());
  if (!value.ok()) {
    if (!figure->known) figure->reason = std::string(value.status().message());
    return;
  }
  const double scale = figure->config.scale() > 0 ? figure->config.scale() : 1.0;
  const double scaled = *value * scale;
  if (figure->config.kind() == v1::JsonFigure::SUM) {
    if (scaled < 0 || !std::isfinite(scaled)) {
      if (!figure->known)
        figure->reason = absl::StrCat("'", figure->config.field(), "' is negative");
      return;
    }
    figure->sum += scaled;
    figure->known = true;
    return;
  }
  if (std::optional<double> delta = figure->counter.Observe(scaled)) {
    figure->sum += *delta;
    figure->known = true;
  } else if (!figure->known) {
    figure->reason = figure->counter.has_baseline()
                         ? "no baseline yet"
                         : absl::StrCat("'", figure->config.field(), "' is not a counter value");
  }
}

void JsonWindowAccumulator::Quiet(Figure* figure) {
  // Nothing new: a sum grew by 0; a counter stood still, if it has a value.
  if (figure->config.kind() == v1::JsonFigure::SUM || figure->counter.has_baseline()) {
    figure->known = true;
  } else if (!figure->known) {
    figure->reason = "no reading yet";
  }
}

void JsonWindowAccumulator::AddDocument(const google::protobuf::Value& document) {
  polled_ = true;
  for (auto& [id, figure] : inferences_) Read(document, &figure);
  for (auto& [id, unit] : units_) {
    for (auto& [name, figure] : unit.elements) Read(document, &figure);
  }
}

void JsonWindowAccumulator::AddQuietPoll() {
  polled_ = true;
  for (auto& [id, figure] : inferences_) Quiet(&figure);
  for (auto& [id, unit] : units_) {
    for (auto& [name, figure] : unit.elements) Quiet(&figure);
  }
}

void JsonWindowAccumulator::AddFailure(const std::string& reason) {
  polled_ = true;
  for (auto& [id, figure] : inferences_) {
    if (!figure.known) figure.reason = reason;
  }
  for (auto& [id, unit] : units_) {
    for (auto& [name, figure] : unit.elements) {
      if (!figure.known) figure.reason = reason;
    }
  }
}

SourceWindow JsonWindowAccumulator::Take() {
  SourceWindow seen;
  for (auto& [id, figure] : inferences_) {
    seen.inferences[id] = figure.known ? ftel::Figure<uint64_t>::Known(Quantity(figure.sum))
                                       : ftel::Figure<uint64_t>::Unknown(figure.reason);
    Restart(&figure);
  }
  for (auto& entry : units_) {
    // Not a structured binding: the lambda below refers to it.
    const std::string& id = entry.first;
    Unit& unit = entry.second;
    v1::WorkUnitElements e;
    std::string unknown;
    for (const auto& [name, figure] : unit.elements) {
      if (!figure.known && unknown.empty()) unknown = absl::StrCat(name, ": ", figure.reason);
    }
    auto value = [&](const char* name) {
      auto it = unit.elements.find(name);
      return it == unit.elements.end() ? 0.0 : it->second.sum;
    };
    e.set_planned_busy_time_s(value("planned_busy_time_s"));
    e.set_actual_production_time_s(value("actual_production_time_s"));
    e.set_planned_run_time_per_unit_s(unit.planned_run_time_per_unit_s);
    e.set_produced_quantity(Quantity(value("produced_quantity")));
    e.set_good_quantity(Quantity(value("good_quantity")));
    e.set_scrap_quantity(Quantity(value("scrap_quantity")));
    e.set_rework_quantity(Quantity(value("rework_quantity")));
    e.set_inspected_parts(Quantity(value("inspected_parts")));
    e.set_good_parts_first_pass(Quantity(value("good_parts_first_pass")));
    e.set_failure_events(Quantity(value("failure_events")));
    e.set_energy_kwh(value("energy_kwh"));
    seen.work_units[id] = unknown.empty() ? ftel::Figure<v1::WorkUnitElements>::Known(std::move(e))
                                          : ftel::Figure<v1::WorkUnitElements>::Unknown(unknown);
    for (auto& [name, figure] : unit.elements) Restart(&figure);
  }
  return seen;
}

void JsonWindowAccumulator::Restart(Figure* figure) const {
  figure->sum = 0;
  figure->known = false;
  // Until a poll of the next window says more.
  if (polled_) figure->reason = "no reading in this window";
}

}  // namespace ftel
