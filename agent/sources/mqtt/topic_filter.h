// MQTT topic filters as the `mqtt` source uses them: which filters are valid
// (`+` a whole level, `#` the whole last level) and whether a topic matches.
//
//   if (TopicFilterMatches("plant/+/counters/#", message.topic)) ...
#ifndef FTEL_AGENT_SOURCES_MQTT_TOPIC_FILTER_H_
#define FTEL_AGENT_SOURCES_MQTT_TOPIC_FILTER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ftel {

// Empty when `filter` is a valid MQTT topic filter, else the rule it breaks.
std::string TopicFilterProblem(absl::string_view filter);

// Whether `topic` (no wildcards) matches the valid `filter`. As MQTT says,
// `a/#` also matches `a`, and wildcards do not match topics starting with `$`.
bool TopicFilterMatches(absl::string_view filter, absl::string_view topic);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_TOPIC_FILTER_H_
