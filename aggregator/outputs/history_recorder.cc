#include "aggregator/outputs/history_recorder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libftel/platform/log.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr char kFactoryKind[] = "factory";

// A factory's and a group's figures become a point the same way.
v1::HistoryPoint PointOf(const v1::Ratio& declared, const v1::Ratio& observed,
                         const v1::ProductionKpis& production, const v1::Ratio& completeness,
                         uint32_t factories, uint32_t factories_online) {
  v1::HistoryPoint point;
  *point.mutable_declared() = declared;
  *point.mutable_observed() = observed;
  if (production.has_oee_percent()) point.set_oee_percent(production.oee_percent());
  *point.mutable_completeness() = completeness;
  point.set_factories(factories);
  point.set_factories_online(factories_online);
  return point;
}

v1::HistoryPoint PointOf(const v1::FactorySummary& f) {
  return PointOf(f.declared(), f.observed(), f.production(), f.completeness(), 1,
                 f.online() ? 1 : 0);
}

v1::HistoryPoint PointOf(const v1::GroupSummary& g) {
  return PointOf(g.declared().pooled(), g.observed().pooled(), g.production(), g.completeness(),
                 g.factories(), g.factories_online());
}

}  // namespace

HistoryRecorder::HistoryRecorder(StateStore* store, int64_t every_s, int points)
    : store_(store), every_ms_(every_s * 1000), points_(points) {}

absl::Status HistoryRecorder::Load() {
  std::vector<std::string> damaged;
  ASSIGN_OR_RETURN(std::vector<v1::History> series,
                   store_->LoadHistories(kFactoryKind, points_, &damaged));
  for (const std::string& name : damaged) {
    // Its next points start it again; one bad blob must not stop a start.
    LogError(absl::StrCat("history ", name, ": a stored point does not decode; series skipped"));
  }
  for (v1::History& history : series) {
    SeriesKey key{history.kind(), history.key(), history.granularity()};
    groups_[std::move(key)] = std::move(history);
  }
  return absl::OkStatus();
}

void HistoryRecorder::Keep(const StateStore::HistoryRow& row, int64_t now_ms) {
  v1::History& history = groups_[SeriesKey{row.kind, row.key, row.granularity}];
  history.set_kind(row.kind);
  history.set_key(row.key);
  history.set_granularity(row.granularity);
  auto* points = history.mutable_points();
  const int64_t bucket = row.point.bucket_start_ms();
  auto at = std::lower_bound(
      points->begin(), points->end(), bucket,
      [](const v1::HistoryPoint& p, int64_t start) { return p.bucket_start_ms() < start; });
  if (at != points->end() && at->bucket_start_ms() == bucket) {
    *at = row.point;
  } else {
    // Add may move the elements: keep the place as an index.
    const int index = static_cast<int>(at - points->begin());
    *points->Add() = row.point;
    std::rotate(points->begin() + index, points->end() - 1, points->end());
  }
  // What the store keeps, and no more than is published.
  const int64_t cutoff = now_ms - StateStore::HistoryRetentionMs(row.granularity);
  int drop = 0;
  while (drop < points->size() && points->Get(drop).bucket_start_ms() < cutoff) ++drop;
  drop = std::max(drop, points->size() - points_);
  if (drop > 0) points->DeleteSubrange(0, drop);
}

std::vector<const v1::History*> HistoryRecorder::Record(const FleetResults& results,
                                                        int64_t now_ms) {
  if (last_ms_ != 0 && now_ms - last_ms_ < every_ms_) return {};
  last_ms_ = now_ms;
  std::vector<StateStore::HistoryRow> rows;
  auto add = [&](const std::string& kind, const std::string& key, v1::HistoryPoint point) {
    point.set_bucket_start_ms(now_ms - now_ms % kHourMs);
    rows.push_back({kind, key, "hour", point});
    point.set_bucket_start_ms(now_ms - now_ms % kDayMs);
    rows.push_back({kind, key, "day", std::move(point)});
  };
  for (const auto& f : results.factories) add(kFactoryKind, f->factory_id(), PointOf(*f));
  for (const v1::GroupSummary& g : results.groups) add(g.kind(), g.key(), PointOf(g));
  add("fleet", "all", PointOf(results.fleet));
  if (absl::Status saved = store_->SaveHistory(rows, now_ms); !saved.ok()) {
    LogError(absl::StrCat("history: ", saved.message()));
    return {};
  }
  // Dashboards get the groups' histories; a factory's is there for ftelctl.
  std::vector<const v1::History*> changed;
  for (const StateStore::HistoryRow& row : rows) {
    if (row.kind == kFactoryKind) continue;
    Keep(row, now_ms);
    changed.push_back(&groups_[SeriesKey{row.kind, row.key, row.granularity}]);
  }
  return changed;
}

}  // namespace ftel
