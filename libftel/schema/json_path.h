// Numbers out of JSON documents that ftel did not define (an MES export, a
// command's output, a shop-floor MQTT payload), by a dot path:
// `lines.l1.produced`, `items.0.count` (a number selects an array element).
// Parsed with protobuf's JSON parser into google.protobuf.Value, so no
// other JSON library is linked.
//
//   ASSIGN_OR_RETURN(google::protobuf::Value doc, ParseJsonValue(text));
//   absl::StatusOr<double> produced = NumberAtPath(doc, "lines.l1.produced");
#ifndef FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_
#define FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace ftel {

// InvalidArgument "not JSON: ..." for text that does not parse.
absl::StatusOr<google::protobuf::Value> ParseJsonValue(absl::string_view text);

// The number at `path` ("" is the document itself). NotFound "no field
// 'a.b'" when a step is missing; InvalidArgument "'a.b' is a string, not a
// number" otherwise. A JSON string holding a number ("12.5") is taken, since
// exports often quote their numbers; true and false are 1 and 0.
absl::StatusOr<double> NumberAtPath(const google::protobuf::Value& document,
                                    absl::string_view path);

// False when `path` is not a well-formed dot path (empty steps).
bool IsValidJsonPath(absl::string_view path);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_SCHEMA_JSON_PATH_H_
