#include "bench/load_generator/aggregator_counters.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/http_get.h"

namespace ftel {
namespace {

constexpr char kRejected[] = "ftel_aggregator_rejected_total{reason=\"";

uint64_t Count(double value) { return value > 0 ? static_cast<uint64_t>(value + 0.5) : 0; }

}  // namespace

absl::StatusOr<AggregatorCounters> ParseAggregatorCounters(const std::string& page) {
  AggregatorCounters counters;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    // Only the aggregator's own families: the page's per-factory gauges
    // (tens of thousands of lines in a large fleet) are skipped cheaply.
    if (!absl::StartsWith(line, "ftel_aggregator_")) continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    const absl::string_view name = line.substr(0, space);
    double value = 0;
    if (!absl::SimpleAtod(line.substr(space + 1), &value)) continue;
    if (absl::StartsWith(name, kRejected)) {
      found = true;
      const absl::string_view reason =
          name.substr(sizeof(kRejected) - 1, name.size() - (sizeof(kRejected) - 1) - 2);
      counters.rejected += Count(value);
      if (Count(value) > 0) counters.rejected_by_reason[std::string(reason)] = Count(value);
    } else if (name == "ftel_aggregator_duplicates_total") {
      counters.duplicates = Count(value);
    } else if (name == "ftel_aggregator_overlapping_windows_total") {
      counters.overlapping = Count(value);
    } else if (name == "ftel_aggregator_outside_horizon_total") {
      counters.outside_horizon = Count(value);
    } else if (name == "ftel_aggregator_processing_lag_seconds") {
      counters.processing_lag_s = value;
    }
  }
  if (!found) return absl::DataLossError("no ftel_aggregator_rejected_total in the page");
  return counters;
}

absl::StatusOr<AggregatorCounters> ReadAggregatorCounters(int port) {
  const std::string response = HttpGet(port, "/metrics");
  if (response.empty()) {
    return absl::UnavailableError(
        absl::StrCat("nothing answered on http://127.0.0.1:", port, "/metrics"));
  }
  const size_t body = response.find("\r\n\r\n");
  return ParseAggregatorCounters(body == std::string::npos ? response : response.substr(body + 4));
}

}  // namespace ftel
