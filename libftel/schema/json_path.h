// Numbers out of JSON that ftel did not define (a shop-floor MQTT payload,
// an MES export, a command's output): a field by its path
// (`counters.good`, `stations[2].parts`), or a plain number in text. JSON is
// parsed with protobuf's own parser into google.protobuf.Value, so numbers
// are doubles (exact up to 2^53) and no other JSON library is linked.
// `true`/`false` read as 1/0.
//
//   absl::StatusOr<double> good = JsonNumberAt(payload, "counters.good");
//   ASSIGN_OR_RETURN(google::protobuf::Value doc, ParseJsonValue(text));  // once,
//   absl::StatusOr<double> parts = NumberAtPath(doc, "stations[2].parts");  // many reads
//   absl::StatusOr<double> n = PlainNumber("1234\n");
#ifndef FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_
#define FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace ftel {

// Empty when `path` is a valid field path, else the rule it breaks: keys
// separated by `.`, each followed by zero or more `[n]` array indices.
std::string JsonPathProblem(absl::string_view path);

// The number at `path` in the JSON document `payload`. InvalidArgument, in
// words for operators, when the payload is not JSON, the path is missing, or
// the value there is not a number or boolean.
absl::StatusOr<double> JsonNumberAt(absl::string_view payload, absl::string_view path);

// A JSON document, parsed once for several NumberAtPath reads.
// InvalidArgument "not a JSON document" otherwise.
absl::StatusOr<google::protobuf::Value> ParseJsonValue(absl::string_view text);

// The number at `path` in a parsed document; errors as JsonNumberAt's.
absl::StatusOr<double> NumberAtPath(const google::protobuf::Value& document,
                                    absl::string_view path);

// A payload that is a number in text (surrounding white space allowed), or
// `true`/`false`.
absl::StatusOr<double> PlainNumber(absl::string_view payload);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_
