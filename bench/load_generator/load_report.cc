#include "bench/load_generator/load_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace ftel {
namespace {

std::string RatioText(const v1::Ratio& ratio) {
  if (!ratio.has_percent()) return "-";
  return absl::StrFormat("%.1f %% (%.0f / %.0f)", ratio.percent(), ratio.numerator(),
                         ratio.denominator());
}

// Acknowledged but not counted; never negative.
uint64_t Lost(const LoadOutcome& outcome) {
  const uint64_t counted = outcome.results.reports();
  return outcome.reports.acknowledged > counted ? outcome.reports.acknowledged - counted : 0;
}

}  // namespace

LoadVerdict Judge(const LoadOutcome& outcome, const std::vector<LevelRow>& table, int factories) {
  LoadVerdict verdict;
  std::vector<std::string>& p = verdict.problems;
  const uint64_t acknowledged = outcome.reports.acknowledged;
  const uint64_t counted = outcome.results.reports();
  if (outcome.reports.acknowledged == 0) p.push_back("no report was acknowledged");
  if (outcome.reports.failed > 0 || outcome.unsent > 0) {
    p.push_back(
        absl::StrCat(outcome.reports.failed, " reports failed, ", outcome.unsent, " unsent"));
  }
  if (outcome.results.seen() != factories) {
    p.push_back(
        absl::StrCat("results for ", outcome.results.seen(), " of ", factories, " factories"));
  }
  if (counted != acknowledged) {
    p.push_back(absl::StrCat("counted ", counted, " of ", acknowledged, " acknowledged"));
  }
  if (outcome.results.duplicates() > 0 || outcome.results.overlapping() > 0) {
    p.push_back(absl::StrCat(outcome.results.duplicates(), " duplicates, ",
                             outcome.results.overlapping(), " overlapping"));
  }
  if (outcome.aggregator.has_value() && outcome.aggregator->rejected > 0) {
    p.push_back(absl::StrCat(outcome.aggregator->rejected, " rejected"));
  }
  if (!outcome.aggregator_error.empty()) p.push_back(outcome.aggregator_error);
  if (outcome.committed != acknowledged) {
    p.push_back(absl::StrCat("committed ", outcome.committed, " of ", acknowledged));
  }
  if (!table.empty() && table.back().not_as_drawn > 0) {
    p.push_back(absl::StrCat(table.back().not_as_drawn, " factories' results not as drawn"));
  }
  return verdict;
}

std::string FormatOutcome(const LoadOptions& options, const LoadOutcome& outcome,
                          const std::vector<LevelRow>& table, const LoadVerdict& verdict) {
  std::string text;
  const CollectedResults& results = outcome.results;
  absl::StrAppendFormat(
      &text,
      "ftel-loadgen: %d factories x %d node(s), %s, seed %llu; a report every "
      "%d ms (%.0f reports/s) for %d s over %d connections (%d in flight "
      "each) to %s\n",
      options.factories, options.nodes_per_factory,
      options.pyramid ? "MIIT pyramid" : "typical factories",
      static_cast<unsigned long long>(options.seed), options.interval_ms,
      1000.0 * options.factories * options.nodes_per_factory / options.interval_ms,
      options.duration_s, options.connections, options.max_inflight, options.broker);
  absl::StrAppendFormat(&text, "statuses: %llu ONLINE sent, %llu acknowledged\n",
                        static_cast<unsigned long long>(outcome.statuses.sent),
                        static_cast<unsigned long long>(outcome.statuses.acknowledged));
  // Every node's first window closes one interval after the start: the
  // rate is steady from then on.
  const double steady_s = options.duration_s - options.interval_ms / 1000.0;
  const double rate = steady_s > 0 ? static_cast<double>(outcome.reports.sent) / steady_s : 0;
  absl::StrAppendFormat(
      &text,
      "reports: sent %llu, acknowledged %llu, failed %llu, unsent %llu in %.1f s (%.0f "
      "reports/s once every node's first window closed); lag from window end to publish: max "
      "%lld ms, %llu over 1 s\n",
      static_cast<unsigned long long>(outcome.reports.sent),
      static_cast<unsigned long long>(outcome.reports.acknowledged),
      static_cast<unsigned long long>(outcome.reports.failed),
      static_cast<unsigned long long>(outcome.unsent), outcome.publishing_s, rate,
      static_cast<long long>(outcome.max_lag_ms), static_cast<unsigned long long>(outcome.late));
  std::string rejected = "rejected unknown (no --aggregator-port)";
  if (outcome.aggregator.has_value()) {
    rejected = absl::StrCat("rejected ", outcome.aggregator->rejected);
    for (const auto& [reason, count] : outcome.aggregator->rejected_by_reason) {
      absl::StrAppend(&rejected, " ", reason, "=", count);
    }
  } else if (!outcome.aggregator_error.empty()) {
    rejected = absl::StrCat("rejected unknown (", outcome.aggregator_error, ")");
  }
  absl::StrAppendFormat(
      &text,
      "aggregator: counted %llu reports of %d factories with results (of %d); duplicates %llu, "
      "overlapping %llu, %s, lost %llu; results %s after %.1f s\n",
      static_cast<unsigned long long>(results.reports()), results.seen(), options.factories,
      static_cast<unsigned long long>(results.duplicates()),
      static_cast<unsigned long long>(results.overlapping()), rejected,
      static_cast<unsigned long long>(Lost(outcome)), outcome.settled ? "settled" : "NOT settled",
      outcome.results_wait_s);
  if (outcome.aggregator.has_value()) {
    absl::StrAppendFormat(&text,
                          "aggregator counters: duplicates %llu, overlapping %llu, outside the "
                          "horizon %llu, processing lag %.3f s\n",
                          static_cast<unsigned long long>(outcome.aggregator->duplicates),
                          static_cast<unsigned long long>(outcome.aggregator->overlapping),
                          static_cast<unsigned long long>(outcome.aggregator->outside_horizon),
                          outcome.aggregator->processing_lag_s);
  }
  if (outcome.latency.has_value()) {
    const LatencyProbe::Figures& l = *outcome.latency;
    absl::StrAppendFormat(&text,
                          "latency from a report's publish to the first retained result counting "
                          "it (%d probe factories, %llu reports): p50 %lld ms, p99 %lld ms, max "
                          "%lld ms\n",
                          l.probes, static_cast<unsigned long long>(l.measured),
                          static_cast<long long>(l.p50_ms), static_cast<long long>(l.p99_ms),
                          static_cast<long long>(l.max_ms));
  }
  absl::StrAppendFormat(&text, "commits: %llu of the %llu acknowledged reports committed\n",
                        static_cast<unsigned long long>(outcome.committed),
                        static_cast<unsigned long long>(outcome.reports.acknowledged));
  if (results.fleet.has_value()) {
    const v1::GroupSummary& fleet = *results.fleet;
    const v1::Marks& marks = fleet.declared().marks();
    absl::StrAppendFormat(&text,
                          "fleet: %u factories (%u online); declared %s, observed %s; factories "
                          "declared at or above 20/60/70 %%: %u / %u / %u\n",
                          fleet.factories(), fleet.factories_online(),
                          RatioText(fleet.declared().pooled()),
                          RatioText(fleet.observed().pooled()), marks.at_or_above_20(),
                          marks.at_or_above_60(), marks.at_or_above_70());
  } else {
    text += "fleet: no result\n";
  }
  text += FormatLevelTable(table);
  if (!verdict.exact()) {
    absl::StrAppend(&text, "NOT exact: ", absl::StrJoin(verdict.problems, "; "), "\n");
  }
  absl::StrAppendFormat(
      &text,
      "loadgen: acknowledged=%llu counted=%llu duplicates=%llu rejected=%s lost=%llu "
      "committed=%llu results=%d/%d not_as_drawn=%d verdict=%s\n",
      static_cast<unsigned long long>(outcome.reports.acknowledged),
      static_cast<unsigned long long>(results.reports()),
      static_cast<unsigned long long>(results.duplicates()),
      outcome.aggregator.has_value() ? absl::StrCat(outcome.aggregator->rejected) : "unknown",
      static_cast<unsigned long long>(Lost(outcome)),
      static_cast<unsigned long long>(outcome.committed), results.seen(), options.factories,
      table.empty() ? 0 : table.back().not_as_drawn, verdict.exact() ? "exact" : "not-exact");
  return text;
}

}  // namespace ftel
