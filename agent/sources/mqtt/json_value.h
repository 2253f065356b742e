// Reads a number out of an MQTT payload: a field of a JSON document by its
// path (`counters.good`, `stations[2].parts`), or a plain number in text.
// JSON is parsed with protobuf's own parser into google.protobuf.Value, so
// numbers are doubles (exact up to 2^53). `true`/`false` read as 1/0.
//
//   absl::StatusOr<double> good = JsonNumberAt(payload, "counters.good");
//   absl::StatusOr<double> parts = PlainNumber("1234\n");
#ifndef FTEL_AGENT_SOURCES_MQTT_JSON_VALUE_H_
#define FTEL_AGENT_SOURCES_MQTT_JSON_VALUE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ftel {

// Empty when `path` is a valid field path, else the rule it breaks: keys
// separated by `.`, each followed by zero or more `[n]` array indices.
std::string JsonPathProblem(absl::string_view path);

// The number at `path` in the JSON document `payload`. InvalidArgument, in
// words for operators, when the payload is not JSON, the path is missing, or
// the value there is not a number or boolean.
absl::StatusOr<double> JsonNumberAt(absl::string_view payload, absl::string_view path);

// A payload that is a number in text (surrounding white space allowed), or
// `true`/`false`.
absl::StatusOr<double> PlainNumber(absl::string_view payload);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_JSON_VALUE_H_
