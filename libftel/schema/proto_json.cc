#include "libftel/schema/proto_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/wrappers.pb.h"

namespace ftel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

google::protobuf::util::JsonPrintOptions PrintOptions() {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  return options;
}

// The reference printer: protobuf's own. Used for the message types the
// direct writer below does not handle, and for strings with characters
// whose escaping protobuf decides.
std::string PrintWithProtobuf(const Message& message) {
  std::string json;
  // Printing a valid in-memory message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, PrintOptions());
  return json;
}

// True when `type` and every message type it holds are proto3 messages
// without maps or well-known types: the shapes the direct writer prints
// exactly as protobuf does (tests/unit/proto_json_test.cc compares them).
class DirectTypes {
 public:
  bool Handles(const Descriptor* type) {
    absl::MutexLock lock(&mu_);
    return HandlesLocked(type, 0);
  }

 private:
  bool HandlesLocked(const Descriptor* type, int depth) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto found = handled_.find(type);
    if (found != handled_.end()) return found->second;
    bool ok = depth < 32 &&
              type->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3 &&
              type->file()->package().rfind("google.protobuf", 0) != 0;
    // A type that holds itself is left to protobuf's printer.
    handled_[type] = false;
    for (int i = 0; ok && i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->is_map()) ok = false;
      if (ok && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        ok = HandlesLocked(field->message_type(), depth + 1);
      }
    }
    handled_[type] = ok;
    return ok;
  }

  absl::Mutex mu_;
  std::unordered_map<const Descriptor*, bool> handled_ ABSL_GUARDED_BY(mu_);
};

DirectTypes& Types() {
  static DirectTypes* types = new DirectTypes;
  return *types;
}

// protobuf's SimpleDtoa/SimpleFtoa: the shortest of %.15g (%.6g) and
// %.17g (%.9g) that reads back as the same value.
template <typename T>
void AppendReal(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  if constexpr (std::is_same_v<T, double>) {
    AppendJsonDouble(value, out);
  } else {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", static_cast<double>(value));
    if (std::strtof(buffer, nullptr) != value) {
      std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
    }
    out->append(buffer);
  }
}

bool PlainChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
         c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ',' || c == '(' ||
         c == ')' || c == '+' || c == '#' || c == '@' || c == '%';
}

void AppendString(const std::string& text, std::string* out) {
  for (unsigned char c : text) {
    if (!PlainChar(c)) {
      google::protobuf::StringValue value;
      value.set_value(text);
      out->append(PrintWithProtobuf(value));
      return;
    }
  }
  out->push_back('"');
  out->append(text);
  out->push_back('"');
}

void AppendMessage(const Message& message, std::string* out);

// One value of `field`; `index` is -1 for a singular field.
void AppendValue(const Message& message, const Reflection& reflection, const FieldDescriptor* field,
                 int index, std::string* out) {
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, repeated ? reflection.GetRepeatedInt32(message, field, index)
                                    : reflection.GetInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, repeated ? reflection.GetRepeatedUInt32(message, field, index)
                                    : reflection.GetUInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"",
                      repeated ? reflection.GetRepeatedInt64(message, field, index)
                               : reflection.GetInt64(message, field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"",
                      repeated ? reflection.GetRepeatedUInt64(message, field, index)
                               : reflection.GetUInt64(message, field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendReal(repeated ? reflection.GetRepeatedDouble(message, field, index)
                          : reflection.GetDouble(message, field),
                 out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendReal(repeated ? reflection.GetRepeatedFloat(message, field, index)
                          : reflection.GetFloat(message, field),
                 out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((repeated ? reflection.GetRepeatedBool(message, field, index)
                            : reflection.GetBool(message, field))
                      ? "true"
                      : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated ? reflection.GetRepeatedEnumValue(message, field, index)
                                  : reflection.GetEnumValue(message, field);
      const auto* value = field->enum_type()->FindValueByNumber(number);
      if (value != nullptr) {
        AppendString(value->name(), out);
      } else {
        absl::StrAppend(out, number);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          repeated ? reflection.GetRepeatedStringReference(message, field, index, &scratch)
                   : reflection.GetStringReference(message, field, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        absl::StrAppend(out, "\"", absl::Base64Escape(text), "\"");
      } else {
        AppendString(text, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(repeated ? reflection.GetRepeatedMessage(message, field, index)
                             : reflection.GetMessage(message, field),
                    out);
      break;
  }
}

void AppendField(const Message& message, const Reflection& reflection, const FieldDescriptor* field,
                 bool* first, std::string* out) {
  if (!*first) out->push_back(',');
  *first = false;
  out->push_back('"');
  out->append(field->name());
  out->append("\":");
  if (!field->is_repeated()) {
    AppendValue(message, reflection, field, -1, out);
    return;
  }
  out->push_back('[');
  const int size = reflection.FieldSize(message, field);
  for (int j = 0; j < size; ++j) {
    if (j > 0) out->push_back(',');
    AppendValue(message, reflection, field, j, out);
  }
  out->push_back(']');
}

// protobuf's order: the fields outside any oneof in declaration order (zero
// values included, unset messages left out), then the set members of oneofs
// (proto3 `optional` fields among them) by field number.
void AppendMessage(const Message& message, std::string* out) {
  const Descriptor* type = message.GetDescriptor();
  const Reflection& reflection = *message.GetReflection();
  out->push_back('{');
  bool first = true;
  bool any_oneof = false;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->containing_oneof() != nullptr) {
      any_oneof = true;
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated() &&
        !reflection.HasField(message, field)) {
      continue;
    }
    AppendField(message, reflection, field, &first, out);
  }
  if (any_oneof) {
    std::vector<const FieldDescriptor*> set;
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->containing_oneof() != nullptr && reflection.HasField(message, field)) {
        set.push_back(field);
      }
    }
    std::sort(set.begin(), set.end(), [](const FieldDescriptor* a, const FieldDescriptor* b) {
      return a->number() < b->number();
    });
    for (const FieldDescriptor* field : set) AppendField(message, reflection, field, &first, out);
  }
  out->push_back('}');
}

}  // namespace

void AppendJsonDouble(double value, std::string* out) {
  // Most figures are whole (counts, flags): %.15g writes those below 1e15
  // as plain integers, and so does this, without printf (-0 keeps its sign
  // through printf).
  constexpr double kPlainIntegerBelow = 1e15;
  if (std::fabs(value) < kPlainIntegerBelow && value == std::trunc(value) &&
      !(value == 0 && std::signbit(value))) {
    absl::StrAppend(out, static_cast<int64_t>(value));
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof buffer, "%.17g", value);
  out->append(buffer);
}

std::string ToJson(const google::protobuf::Message& message) {
  if (!Types().Handles(message.GetDescriptor())) return PrintWithProtobuf(message);
  std::string json;
  json.reserve(256);
  AppendMessage(message, &json);
  return json;
}

std::string ToJsonWithProtobuf(const google::protobuf::Message& message) {
  return PrintWithProtobuf(message);
}

std::string JsonQuote(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      default:
        if (c < 0x20) {
          quoted += absl::StrFormat("\\u%04x", c);
        } else {
          quoted.push_back(static_cast<char>(c));
        }
    }
  }
  quoted += "\"";
  return quoted;
}

absl::Status FromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) return absl::InvalidArgumentError(std::string(status.message()));
  return absl::OkStatus();
}

}  // namespace ftel
