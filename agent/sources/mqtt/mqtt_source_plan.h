// The checked form of an `mqtt` source's config (MqttSourceConfig): every
// rule of proto/ftel/v1/source_mqtt.proto is checked here, with problems
// under the full key (`sources[3].mqtt.bindings[0].topic`), and defaults are
// applied (broker defaults, binding kinds). No I/O beyond the broker rules'
// check that named files are readable.
//
//   std::optional<MqttSourcePlan> plan = PlanMqttSource(config, bindings, "sources[3]", &problems);
#ifndef FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_PLAN_H_
#define FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_PLAN_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/sources/kpi_source.h"
#include "ftel/v1/source_mqtt.pb.h"

namespace ftel {

struct MqttSourcePlan {
  // With defaults applied.
  v1::BrokerConfig broker;
  // With `kind` resolved.
  std::vector<v1::MqttBinding> bindings;
  // The filters to subscribe to, once each.
  std::set<std::string> filters;
  // PRU per work unit (absent: 0).
  std::map<std::string, double> planned_run_time_per_unit_s;
  std::vector<std::string> scenario_ids;
  std::vector<std::string> work_unit_ids;
};

// Nullopt, with problems added under `key_prefix`.mqtt, when the config breaks a rule.
std::optional<MqttSourcePlan> PlanMqttSource(const v1::SourceConfig& config,
                                             const SourceBindings& bindings,
                                             const std::string& key_prefix,
                                             ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_PLAN_H_
