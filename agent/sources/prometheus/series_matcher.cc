#include "agent/sources/prometheus/series_matcher.h"

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

const std::string& ValueOf(const Labels& labels, const std::string& name) {
  static const std::string* const kEmpty = new std::string();
  for (const auto& [label, value] : labels) {
    if (label == name) return value;
  }
  return *kEmpty;
}

}  // namespace

absl::StatusOr<SeriesMatcher> SeriesMatcher::Create(std::string metric,
                                                    std::vector<LabelCondition> conditions) {
  std::vector<Compiled> compiled;
  for (LabelCondition& condition : conditions) {
    Compiled c{std::move(condition), nullptr};
    if (c.condition.regex) {
      try {
        c.pattern = std::make_shared<const std::regex>(c.condition.value, std::regex::ECMAScript);
      } catch (const std::regex_error& error) {
        return absl::InvalidArgumentError(absl::StrCat(
            "is not a valid regular expression: '", c.condition.value, "' (", error.what(), ")"));
      }
    }
    compiled.push_back(std::move(c));
  }
  return SeriesMatcher(std::move(metric), std::move(compiled));
}

bool SeriesMatcher::Matches(const Sample& sample) const {
  if (sample.name != metric_) return false;
  for (const Compiled& c : conditions_) {
    const std::string& value = ValueOf(sample.labels, c.condition.name);
    if (c.pattern == nullptr) {
      if (value != c.condition.value) return false;
    } else {
      try {
        if (!std::regex_match(value, *c.pattern)) return false;
      } catch (const std::regex_error&) {
        return false;  // too complex for this value: no match
      }
    }
  }
  return true;
}

std::string SeriesMatcher::Describe() const {
  std::string out = metric_;
  if (conditions_.empty()) return out;
  out.push_back('{');
  for (size_t i = 0; i < conditions_.size(); ++i) {
    const LabelCondition& c = conditions_[i].condition;
    absl::StrAppend(&out, i > 0 ? "," : "", c.name, c.regex ? "=~\"" : "=\"", c.value, "\"");
  }
  out.push_back('}');
  return out;
}

}  // namespace ftel
