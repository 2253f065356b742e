// The aggregator's fleet state on disk (SQLite: one row per node holding its
// NodeSnapshot without the windows, and one row per window in the KPI
// horizon; a save writes the changed nodes, their new windows, and deletes
// their windows that left the horizon), so that a restarted aggregator publishes the same numbers
// at once and still recognises duplicates of reports it already counted.
//
//   ASSIGN_OR_RETURN(auto store, StateStore::Open("/var/lib/ftel/aggregator.db"));
//   RETURN_IF_ERROR(store->Load(&state));
//   ...
//   RETURN_IF_ERROR(store->Save(state, state.TakeChanged()));
#ifndef FTEL_AGGREGATOR_STATE_STATE_STORE_H_
#define FTEL_AGGREGATOR_STATE_STATE_STORE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aggregator/state/fleet_state.h"
#include "ftel/v1/summary.pb.h"

struct sqlite3;

namespace ftel {

// Not thread-safe; used by the aggregator's processing thread.
class StateStore {
 public:
  // Creates the file and its tables if missing. Errors name the path.
  static absl::StatusOr<std::unique_ptr<StateStore>> Open(const std::string& path);
  // Opens an existing file for queries only (ftelctl); NotFound if missing.
  static absl::StatusOr<std::unique_ptr<StateStore>> OpenReadOnly(const std::string& path);
  ~StateStore();

  // Restores every stored node into `state`; returns how many.
  absl::StatusOr<size_t> Load(FleetState* state);
  // Writes the given nodes in one transaction; then the caller tells the
  // state (FleetState::WindowsSaved).
  absl::Status Save(const FleetState& state, const std::set<FleetState::NodeKey>& nodes);

  // One history point of one series; replaces the point of the same bucket.
  struct HistoryRow {
    std::string kind;         // factory, link, sector, region, fleet
    std::string key;          // factory id, link id, ..., "all"
    std::string granularity;  // hour, day
    v1::HistoryPoint point;
  };
  // How long points of a granularity are kept: 14 days of hourly points,
  // 400 days of daily ones.
  static int64_t HistoryRetentionMs(const std::string& granularity);
  // Writes the rows in one transaction and drops the points older than their
  // retention (relative to `now_ms`).
  absl::Status SaveHistory(const std::vector<HistoryRow>& rows, int64_t now_ms);
  // The newest `limit` points of a series, oldest first.
  absl::StatusOr<v1::History> LoadHistory(const std::string& kind, const std::string& key,
                                          const std::string& granularity, int limit);
  // The newest `limit` points of every series except those of `except_kind`.
  // A series that does not decode is left out and named in `damaged`; only
  // a failing query is an error.
  absl::StatusOr<std::vector<v1::History>> LoadHistories(const std::string& except_kind, int limit,
                                                         std::vector<std::string>* damaged);

 private:
  StateStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  absl::Status Exec(const char* sql);
  absl::Status Error(const std::string& what) const;

  const std::string path_;
  sqlite3* db_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_STATE_STORE_H_
