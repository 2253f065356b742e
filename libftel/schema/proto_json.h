// The one JSON form of ftel messages: proto3 JSON mapping, proto field names
// (snake_case), zero values printed, one line.
//
//   std::string line = ToJson(summary);
#ifndef FTEL_LIBFTEL_SCHEMA_PROTO_JSON_H_
#define FTEL_LIBFTEL_SCHEMA_PROTO_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ftel {

std::string ToJson(const google::protobuf::Message& message);

// The same text as ToJson, always printed by protobuf's JSON printer. ToJson
// writes proto3 messages without maps directly (several times faster: the
// aggregator renders every changed factory's result); tests hold the two
// equal.
std::string ToJsonWithProtobuf(const google::protobuf::Message& message);

// A finite `value` as ToJson writes a double: the shortest of %.15g and
// %.17g that reads back as the same value.
void AppendJsonDouble(double value, std::string* out);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(const std::string& text);

// Strict parse (unknown fields are an error).
absl::Status FromJson(const std::string& json, google::protobuf::Message* message);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_SCHEMA_PROTO_JSON_H_
