// Which series of a scrape belong to one scenario: a metric (sample) name
// plus label conditions, each an exact value or a regular expression that
// must match the whole value (like Prometheus's `=` and `=~`). A series
// without the label has the value "".
//
//   absl::StatusOr<SeriesMatcher> m = SeriesMatcher::Create(
//       "nv_inference_count", {LabelCondition::Equals("model", "weld-defect-v3")});
//   if (m.ok() && m->Matches(sample)) total += sample.value;
//   m->Describe();  // nv_inference_count{model="weld-defect-v3"}
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_SERIES_MATCHER_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_SERIES_MATCHER_H_

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/sources/prometheus/exposition_parser.h"

namespace ftel {

struct LabelCondition {
  std::string name;
  std::string value;  // the exact value, or the pattern
  bool regex = false;

  static LabelCondition Equals(std::string name, std::string value) {
    return {std::move(name), std::move(value), false};
  }
  static LabelCondition Regex(std::string name, std::string pattern) {
    return {std::move(name), std::move(pattern), true};
  }
};

class SeriesMatcher {
 public:
  // InvalidArgument naming the pattern when a regex does not compile.
  static absl::StatusOr<SeriesMatcher> Create(std::string metric,
                                              std::vector<LabelCondition> conditions);

  bool Matches(const Sample& sample) const;
  // The metric and conditions in selector syntax, for messages.
  std::string Describe() const;
  const std::string& metric() const { return metric_; }

 private:
  struct Compiled {
    LabelCondition condition;
    std::shared_ptr<const std::regex> pattern;  // with `regex`
  };
  SeriesMatcher(std::string metric, std::vector<Compiled> conditions)
      : metric_(std::move(metric)), conditions_(std::move(conditions)) {}

  std::string metric_;
  std::vector<Compiled> conditions_;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_SERIES_MATCHER_H_
