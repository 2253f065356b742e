// A parser of the Prometheus text exposition format (version 0.0.4): the
// whole format, pure (no I/O, no globals), safe on any input, so that it can
// be fuzzed. Handles `# HELP` and `# TYPE` lines (families without samples
// included), other comments, blank lines, colons in metric names, label
// values with the escapes \\ \" \n, a trailing comma in a label set, optional
// millisecond timestamps, and values such as NaN, +Inf and -Inf. Malformed
// input is an InvalidArgument naming the line: "line 3: expected '=' after
// label name 'model'".
//
//   absl::StatusOr<Exposition> parsed = ParseExposition(body);
//   if (!parsed.ok()) return parsed.status();
//   for (const Sample& s : parsed->samples) Use(s.name, s.labels, s.value);
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_EXPOSITION_PARSER_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_EXPOSITION_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ftel {

// A series' labels, sorted by name, names unique, values unescaped.
using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
  int line = 0;  // 1-based
};

// What the `# HELP` and `# TYPE` lines said about one metric family.
struct Family {
  std::string name;
  std::string help;  // unescaped
  // "counter", "gauge", "histogram", "summary" or "untyped"; "" when no
  // TYPE line was seen.
  std::string type;
};

struct Exposition {
  std::vector<Family> families;  // in order of first mention
  std::vector<Sample> samples;   // in order of appearance
};

// The longest input accepted (an endpoint's whole answer).
inline constexpr size_t kMaxExpositionBytes = 16 << 20;

absl::StatusOr<Exposition> ParseExposition(absl::string_view text);

// The canonical text of a series, `name{a="x",b="y"}` with escapes, used as
// its key and in messages.
std::string SeriesKey(const std::string& name, const Labels& labels);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_EXPOSITION_PARSER_H_
