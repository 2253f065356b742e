#include "libftel/schema/json_path.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ftel {
namespace {

// One step of a path: an object key, or an array index.
struct Step {
  std::string key;
  int64_t index = -1;
};

// The steps of `path`, or an error naming the rule it breaks.
absl::StatusOr<std::vector<Step>> ParsePath(absl::string_view path) {
  if (path.empty()) return absl::InvalidArgumentError("must not be empty");
  std::vector<Step> steps;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    const size_t bracket = part.find('[');
    const absl::string_view key = part.substr(0, bracket);
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("must have a key before each '.' and '[', got '", path, "'"));
    }
    if (key.find(']') != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("has a ']' without '[' in '", path, "'"));
    }
    steps.push_back(Step{std::string(key), -1});
    absl::string_view rest = bracket == absl::string_view::npos ? "" : part.substr(bracket);
    while (!rest.empty()) {
      const size_t close = rest.find(']');
      int64_t index = 0;
      if (rest[0] != '[' || close == absl::string_view::npos ||
          !absl::SimpleAtoi(rest.substr(1, close - 1), &index) || index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("must write array elements as [n] with n >= 0, got '", path, "'"));
      }
      steps.push_back(Step{"", index});
      rest = rest.substr(close + 1);
    }
  }
  return steps;
}

absl::StatusOr<double> NumberOf(const google::protobuf::Value& value, absl::string_view where) {
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      return value.number_value();
    case google::protobuf::Value::kBoolValue:
      return value.bool_value() ? 1.0 : 0.0;
    default:
      return absl::InvalidArgumentError(absl::StrCat(where, " is not a number"));
  }
}

}  // namespace

std::string JsonPathProblem(absl::string_view path) {
  absl::StatusOr<std::vector<Step>> steps = ParsePath(path);
  return steps.ok() ? "" : std::string(steps.status().message());
}

absl::StatusOr<google::protobuf::Value> ParseJsonValue(absl::string_view text) {
  google::protobuf::Value document;
  if (!google::protobuf::util::JsonStringToMessage(std::string(text), &document).ok()) {
    return absl::InvalidArgumentError("not a JSON document");
  }
  return document;
}

absl::StatusOr<double> JsonNumberAt(absl::string_view payload, absl::string_view path) {
  absl::StatusOr<std::vector<Step>> steps = ParsePath(path);
  if (!steps.ok()) return steps.status();
  absl::StatusOr<google::protobuf::Value> document = ParseJsonValue(payload);
  if (!document.ok()) return document.status();
  return NumberAtPath(*document, path);
}

absl::StatusOr<double> NumberAtPath(const google::protobuf::Value& document,
                                    absl::string_view path) {
  absl::StatusOr<std::vector<Step>> steps = ParsePath(path);
  if (!steps.ok()) return steps.status();
  const google::protobuf::Value* at = &document;
  std::string where;
  for (const Step& step : *steps) {
    if (step.index < 0) {
      absl::StrAppend(&where, where.empty() ? "" : ".", step.key);
      if (at->kind_case() != google::protobuf::Value::kStructValue) {
        return absl::InvalidArgumentError(absl::StrCat("no field ", where));
      }
      auto found = at->struct_value().fields().find(step.key);
      if (found == at->struct_value().fields().end()) {
        return absl::InvalidArgumentError(absl::StrCat("no field ", where));
      }
      at = &found->second;
    } else {
      absl::StrAppend(&where, "[", step.index, "]");
      if (at->kind_case() != google::protobuf::Value::kListValue ||
          step.index >= at->list_value().values_size()) {
        return absl::InvalidArgumentError(absl::StrCat("no element ", where));
      }
      at = &at->list_value().values(static_cast<int>(step.index));
    }
  }
  return NumberOf(*at, where);
}

absl::StatusOr<double> PlainNumber(absl::string_view payload) {
  const absl::string_view text = absl::StripAsciiWhitespace(payload);
  if (text == "true") return 1.0;
  if (text == "false") return 0.0;
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError("not a number");
  }
  return value;
}

}  // namespace ftel
