#include "aggregator/outputs/recompute_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libftel/platform/log.h"

namespace ftel {
namespace {

std::string PercentText(const v1::Ratio& ratio) {
  return ratio.has_percent() ? absl::StrFormat("%.1f%%", ratio.percent()) : "n/a";
}

}  // namespace

std::string FleetFigures(const v1::GroupSummary& fleet, const AggregatorStats& totals) {
  uint64_t rejected = 0;
  for (const auto& entry : totals.rejected) rejected += entry.second;
  return absl::StrFormat(
      "%d factories (%d online), fleet declared %s (%g/%g) observed %s, %d reports, %d "
      "duplicates, %d rejected",
      fleet.factories(), fleet.factories_online(), PercentText(fleet.declared().pooled()),
      fleet.declared().pooled().numerator(), fleet.declared().pooled().denominator(),
      PercentText(fleet.observed().pooled()), totals.reports, totals.duplicates, rejected);
}

void RecomputeLog::Recomputed(int64_t monotonic_ms, const v1::GroupSummary& fleet,
                              const AggregatorStats& totals, uint64_t published,
                              absl::Duration took) {
  ++recomputes_;
  published_ += published;
  const bool summary_due = !summarised_ || monotonic_ms - last_summary_ms_ >= summary_every_ms_;
  // The figures are formatted only for a line that is written.
  if (LogEnabled(LogLevel::kDebug)) {
    LogDebug(absl::StrFormat("recompute: %s, %d messages published, %.1f ms",
                             FleetFigures(fleet, totals), published,
                             absl::ToDoubleMilliseconds(took)));
  }
  if (!summary_due) return;
  if (LogEnabled(LogLevel::kInfo)) {
    const std::string since =
        summarised_ ? absl::StrCat(recomputes_, " recomputes and ", published_,
                                   " messages published in the last ",
                                   (monotonic_ms - last_summary_ms_) / 1000, " s")
                    : absl::StrCat("first recompute, ", published_, " messages published");
    LogInfo(absl::StrCat("results: ", FleetFigures(fleet, totals), "; ", since));
  }
  summarised_ = true;
  last_summary_ms_ = monotonic_ms;
  recomputes_ = 0;
  published_ = 0;
}

}  // namespace ftel
