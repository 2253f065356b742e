#include "libftel/schema/json_path.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"

namespace ftel {

absl::StatusOr<google::protobuf::Value> ParseJsonValue(absl::string_view text) {
  google::protobuf::Value value;
  // A bare value (not an object) parses too: wrap it.
  const std::string wrapped = absl::StrCat("{\"v\":", text, "}");
  google::protobuf::Struct holder;
  const auto status = google::protobuf::util::JsonStringToMessage(wrapped, &holder);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not JSON: ", status.message().ToString()));
  }
  return holder.fields().at("v");
}

absl::StatusOr<double> NumberAtPath(const google::protobuf::Value& document,
                                    absl::string_view path) {
  const google::protobuf::Value* at = &document;
  if (!path.empty()) {
    for (absl::string_view step : absl::StrSplit(path, '.')) {
      if (at->has_struct_value()) {
        auto it = at->struct_value().fields().find(std::string(step));
        if (it == at->struct_value().fields().end()) {
          return absl::NotFoundError(absl::StrCat("no field '", path, "'"));
        }
        at = &it->second;
      } else if (at->has_list_value()) {
        size_t index = 0;
        if (!absl::SimpleAtoi(step, &index) ||
            index >= static_cast<size_t>(at->list_value().values_size())) {
          return absl::NotFoundError(absl::StrCat("no field '", path, "'"));
        }
        at = &at->list_value().values(static_cast<int>(index));
      } else {
        return absl::NotFoundError(absl::StrCat("no field '", path, "'"));
      }
    }
  }
  switch (at->kind_case()) {
    case google::protobuf::Value::kNumberValue:
      return at->number_value();
    case google::protobuf::Value::kBoolValue:
      return at->bool_value() ? 1.0 : 0.0;
    case google::protobuf::Value::kStringValue: {
      double number = 0;
      if (absl::SimpleAtod(at->string_value(), &number)) return number;
      return absl::InvalidArgumentError(absl::StrCat("'", path, "' is a string, not a number"));
    }
    case google::protobuf::Value::kNullValue:
      return absl::InvalidArgumentError(absl::StrCat("'", path, "' is null"));
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("'", path, "' is an object or a list, not a number"));
  }
}

bool IsValidJsonPath(absl::string_view path) {
  if (path.empty()) return true;
  for (absl::string_view step : absl::StrSplit(path, '.')) {
    if (step.empty()) return false;
  }
  return true;
}

}  // namespace ftel
