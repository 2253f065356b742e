#include "agent/sources/mqtt/mqtt_source_plan.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "agent/sources/mqtt/sparkplug_decoder.h"
#include "agent/sources/mqtt/topic_filter.h"
#include "libftel/config/broker_config_rules.h"
#include "libftel/platform/file_io.h"
#include "libftel/schema/json_path.h"

namespace ftel {
namespace {

constexpr int kMaxBindings = 1000;

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void CheckSparkplugId(const std::string& id, const std::string& key, ConfigProblems* problems) {
  if (id.empty()) {
    problems->Add(key, "is required");
  } else if (id.find_first_of("/+#") != std::string::npos) {
    problems->Add(key, absl::StrCat("must not contain '/', '+' or '#', got '", id, "'"));
  }
}

// Checks one binding and resolves its kind; adds its filter.
void PlanBinding(const v1::MqttBinding& binding, const SourceBindings& bound,
                 const std::string& key, MqttSourcePlan* plan, ConfigProblems* problems) {
  v1::MqttBinding resolved = binding;
  const bool scenario = !binding.scenario_id().empty();
  const bool work_unit = !binding.work_unit_id().empty();
  if (scenario == work_unit) {
    problems->Add(key, "needs exactly one of scenario_id and work_unit_id");
  } else if (scenario && !Contains(bound.scenario_ids, binding.scenario_id())) {
    problems->Add(key + ".scenario_id",
                  absl::StrCat("names '", binding.scenario_id(),
                               "', which is not a scenario whose evidence_source is this source"));
  } else if (work_unit && !Contains(bound.work_unit_ids, binding.work_unit_id())) {
    problems->Add(key + ".work_unit_id",
                  absl::StrCat("names '", binding.work_unit_id(),
                               "', which is not a work unit bound to this source"));
  }
  if (work_unit && binding.element() == v1::MqttBinding::ELEMENT_UNSPECIFIED) {
    problems->Add(key + ".element", "is required with work_unit_id");
  }
  if (scenario && binding.element() != v1::MqttBinding::ELEMENT_UNSPECIFIED) {
    problems->Add(key + ".element",
                  "is for work units only (a scenario's figure is its inference count)");
  }
  const bool running = binding.element() == v1::MqttBinding::RUNNING;
  if (resolved.kind() == v1::MqttBinding::KIND_UNSPECIFIED) {
    resolved.set_kind(running ? v1::MqttBinding::STATE : v1::MqttBinding::COUNTER);
  }
  if (running && resolved.kind() != v1::MqttBinding::STATE) {
    problems->Add(key + ".kind", "must be STATE for element RUNNING");
  } else if (!running && resolved.kind() == v1::MqttBinding::STATE) {
    problems->Add(key + ".kind", "STATE is for element RUNNING only");
  }
  if (binding.counter_modulus() != 0) {
    if (!(binding.counter_modulus() >= 2) || !std::isfinite(binding.counter_modulus())) {
      problems->Add(key + ".counter_modulus", "must be 0 (no wrap) or at least 2");
    } else if (resolved.kind() != v1::MqttBinding::COUNTER) {
      problems->Add(key + ".counter_modulus", "is for kind COUNTER only");
    }
  }
  const bool sparkplug = binding.has_sparkplug();
  const int value_sources =
      (binding.json().empty() ? 0 : 1) + (binding.number() ? 1 : 0) + (sparkplug ? 1 : 0);
  if (value_sources != 1) {
    problems->Add(key, "needs exactly one of json, number and sparkplug");
  }
  if (sparkplug) {
    if (!binding.topic().empty()) {
      problems->Add(
          key + ".topic",
          "is not used with sparkplug (the topics follow from group_id and edge_node_id)");
    }
    const std::string at = key + ".sparkplug";
    CheckSparkplugId(binding.sparkplug().group_id(), at + ".group_id", problems);
    CheckSparkplugId(binding.sparkplug().edge_node_id(), at + ".edge_node_id", problems);
    if (!binding.sparkplug().device_id().empty()) {
      CheckSparkplugId(binding.sparkplug().device_id(), at + ".device_id", problems);
    }
    if (binding.sparkplug().metric().empty()) problems->Add(at + ".metric", "is required");
    plan->filters.insert(
        SparkplugNodeFilter(binding.sparkplug().group_id(), binding.sparkplug().edge_node_id()));
  } else if (binding.topic().empty()) {
    problems->Add(key + ".topic", "is required with json or number");
  } else if (std::string problem = TopicFilterProblem(binding.topic()); !problem.empty()) {
    problems->Add(key + ".topic", absl::StrCat(problem, ", got '", binding.topic(), "'"));
  } else {
    plan->filters.insert(binding.topic());
  }
  if (!binding.json().empty()) {
    if (std::string problem = JsonPathProblem(binding.json()); !problem.empty()) {
      problems->Add(key + ".json", problem);
    }
  }
  plan->bindings.push_back(std::move(resolved));
}

}  // namespace

std::optional<MqttSourcePlan> PlanMqttSource(const v1::SourceConfig& config,
                                             const SourceBindings& bindings,
                                             const std::string& key_prefix,
                                             ConfigProblems* problems) {
  const std::string prefix = absl::StrCat(key_prefix, ".mqtt");
  const size_t problems_before = problems->problems().size();
  const v1::MqttSourceConfig& mqtt = config.mqtt();
  MqttSourcePlan plan;
  plan.scenario_ids = bindings.scenario_ids;
  plan.work_unit_ids = bindings.work_unit_ids;

  plan.broker = mqtt.broker();
  ApplyBrokerDefaults(absl::StrCat("ftel-mqtt-source-", config.name()), DirName(problems->file()),
                      &plan.broker);
  // The broker rules name their keys `broker.…`; here they sit under the source.
  ConfigProblems broker_problems(problems->file());
  ValidateBrokerConfig(plan.broker, &broker_problems);
  for (const ConfigProblem& problem : broker_problems.problems()) {
    problems->Add(absl::StrCat(prefix, ".", problem.key), problem.rule);
  }

  if (mqtt.bindings().empty()) {
    problems->Add(prefix + ".bindings", "needs at least one binding");
  } else if (mqtt.bindings_size() > kMaxBindings) {
    problems->Add(prefix + ".bindings",
                  absl::StrCat("must have at most ", kMaxBindings, ", got ", mqtt.bindings_size()));
  }
  std::set<std::string> running_units;
  for (int i = 0; i < mqtt.bindings_size(); ++i) {
    const std::string key = absl::StrCat(prefix, ".bindings[", i, "]");
    PlanBinding(mqtt.bindings(i), bindings, key, &plan, problems);
    const v1::MqttBinding& binding = mqtt.bindings(i);
    if (binding.element() == v1::MqttBinding::RUNNING &&
        !running_units.insert(binding.work_unit_id()).second) {
      problems->Add(key + ".element", absl::StrCat("a second RUNNING binding for work unit '",
                                                   binding.work_unit_id(), "'"));
    }
  }
  for (const std::string& id : bindings.scenario_ids) {
    const bool found = std::any_of(plan.bindings.begin(), plan.bindings.end(),
                                   [&](const v1::MqttBinding& b) { return b.scenario_id() == id; });
    if (!found) {
      problems->Add(prefix + ".bindings",
                    absl::StrCat("needs a binding for scenario '", id, "' bound to this source"));
    }
  }
  for (const std::string& id : bindings.work_unit_ids) {
    const bool found =
        std::any_of(plan.bindings.begin(), plan.bindings.end(),
                    [&](const v1::MqttBinding& b) { return b.work_unit_id() == id; });
    if (!found) {
      problems->Add(prefix + ".bindings",
                    absl::StrCat("needs a binding for work unit '", id, "' bound to this source"));
    }
  }
  for (int i = 0; i < mqtt.work_units_size(); ++i) {
    const v1::MqttWorkUnitFixed& fixed = mqtt.work_units(i);
    const std::string key = absl::StrCat(prefix, ".work_units[", i, "]");
    if (!Contains(bindings.work_unit_ids, fixed.work_unit_id())) {
      problems->Add(key + ".work_unit_id",
                    absl::StrCat("names '", fixed.work_unit_id(),
                                 "', which is not a work unit bound to this source"));
    }
    const double pru = fixed.planned_run_time_per_unit_s();
    if (!(pru >= 0) || !std::isfinite(pru)) {
      problems->Add(key + ".planned_run_time_per_unit_s", "must be 0 or more");
    }
    if (!plan.planned_run_time_per_unit_s.emplace(fixed.work_unit_id(), pru).second) {
      problems->Add(key + ".work_unit_id", "duplicate work unit");
    }
  }
  if (problems->problems().size() != problems_before) return std::nullopt;
  return plan;
}

}  // namespace ftel
