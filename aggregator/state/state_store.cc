#include "aggregator/state/state_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <limits>

#include "absl/strings/str_cat.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

// Finalizes a prepared statement on every path out of a function.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat(path, ": cannot open state store: ", message));
  }
  std::unique_ptr<StateStore> store(new StateStore(path, db));
  // WAL keeps a crash from corrupting the store. NORMAL sync may lose the
  // last transactions on power loss (not on a process crash); reports that
  // the broker already handed over are then missing from the numbers.
  RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(store->Exec(
      "CREATE TABLE IF NOT EXISTS nodes (factory_id TEXT NOT NULL, node_id TEXT NOT NULL, "
      "snapshot BLOB NOT NULL, PRIMARY KEY (factory_id, node_id))"));
  // A node's windows are rows of their own, so that a save writes the
  // windows that are new and deletes those out of the horizon instead of
  // rewriting the node's whole horizon. (Files written before this table
  // hold the windows in the node's snapshot; the first save of such a node
  // moves them here.)
  RETURN_IF_ERROR(store->Exec(
      "CREATE TABLE IF NOT EXISTS windows (factory_id TEXT NOT NULL, node_id TEXT NOT NULL, "
      "session_id INTEGER NOT NULL, sequence INTEGER NOT NULL, end_ms INTEGER NOT NULL, "
      "snapshot BLOB NOT NULL, PRIMARY KEY (factory_id, node_id, session_id, sequence))"));
  RETURN_IF_ERROR(store->Exec(
      "CREATE TABLE IF NOT EXISTS history (kind TEXT NOT NULL, key TEXT NOT NULL, "
      "granularity TEXT NOT NULL, bucket_start_ms INTEGER NOT NULL, point BLOB NOT NULL, "
      "PRIMARY KEY (kind, key, granularity, bucket_start_ms))"));
  return store;
}

absl::StatusOr<std::unique_ptr<StateStore>> StateStore::OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return absl::NotFoundError(absl::StrCat(path, ": no aggregator state file there"));
  }
  return std::unique_ptr<StateStore>(new StateStore(path, db));
}

StateStore::~StateStore() { sqlite3_close(db_); }

absl::Status StateStore::Error(const std::string& what) const {
  return absl::InternalError(absl::StrCat(path_, ": ", what, ": ", sqlite3_errmsg(db_)));
}

absl::Status StateStore::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return absl::OkStatus();
}

absl::StatusOr<size_t> StateStore::Load(FleetState* state) {
  // Both in primary-key order: each node's window rows follow in step.
  Statement nodes(db_,
                  "SELECT factory_id, node_id, snapshot FROM nodes ORDER BY factory_id, node_id");
  Statement windows(db_,
                    "SELECT factory_id, node_id, snapshot FROM windows "
                    "ORDER BY factory_id, node_id, session_id, sequence");
  if (nodes.get() == nullptr || windows.get() == nullptr) return Error("prepare select");
  auto key_of = [](sqlite3_stmt* row) {
    return FleetState::NodeKey{reinterpret_cast<const char*>(sqlite3_column_text(row, 0)),
                               reinterpret_cast<const char*>(sqlite3_column_text(row, 1))};
  };
  int window_rc = sqlite3_step(windows.get());
  size_t loaded = 0;
  int rc;
  while ((rc = sqlite3_step(nodes.get())) == SQLITE_ROW) {
    const FleetState::NodeKey key = key_of(nodes.get());
    v1::NodeSnapshot snapshot;
    if (!snapshot.ParseFromArray(sqlite3_column_blob(nodes.get(), 2),
                                 sqlite3_column_bytes(nodes.get(), 2))) {
      return absl::DataLossError(absl::StrCat(path_, ": the stored node ", key.first, "/",
                                              key.second, " does not decode"));
    }
    // Written before windows had rows of their own: the next save moves them.
    const bool windows_in_rows = snapshot.windows_size() == 0;
    // Rows of nodes that have no node row (none are written so) are skipped.
    while (window_rc == SQLITE_ROW && key_of(windows.get()) < key) {
      window_rc = sqlite3_step(windows.get());
    }
    while (window_rc == SQLITE_ROW && key_of(windows.get()) == key) {
      if (!snapshot.add_windows()->ParseFromArray(sqlite3_column_blob(windows.get(), 2),
                                                  sqlite3_column_bytes(windows.get(), 2))) {
        return absl::DataLossError(absl::StrCat(path_, ": a stored window of ", key.first, "/",
                                                key.second, " does not decode"));
      }
      window_rc = sqlite3_step(windows.get());
    }
    if (window_rc != SQLITE_ROW && window_rc != SQLITE_DONE) return Error("select windows");
    state->Restore(snapshot, windows_in_rows);
    ++loaded;
  }
  if (rc != SQLITE_DONE) return Error("select");
  return loaded;
}

absl::Status StateStore::Save(const FleetState& state, const std::set<FleetState::NodeKey>& nodes) {
  if (nodes.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(Exec("BEGIN"));
  // An update in place when the node has a row: REPLACE would delete the row
  // and its key's index entry and insert both again, on every save of every
  // node.
  Statement upsert(db_,
                   "INSERT INTO nodes (factory_id, node_id, snapshot) VALUES (?, ?, ?) "
                   "ON CONFLICT (factory_id, node_id) DO UPDATE SET snapshot = excluded.snapshot");
  Statement add_window(db_,
                       "INSERT OR REPLACE INTO windows (factory_id, node_id, session_id, sequence, "
                       "end_ms, snapshot) VALUES (?, ?, ?, ?, ?, ?)");
  Statement drop_windows(db_,
                         "DELETE FROM windows WHERE factory_id = ? AND node_id = ? AND end_ms < ?");
  if (upsert.get() == nullptr || add_window.get() == nullptr || drop_windows.get() == nullptr) {
    (void)Exec("ROLLBACK");
    return Error("prepare upsert");
  }
  auto step = [this](sqlite3_stmt* statement, const char* what) -> absl::Status {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc != SQLITE_DONE) {
      absl::Status failed = Error(what);
      (void)Exec("ROLLBACK");
      return failed;
    }
    return absl::OkStatus();
  };
  // Bound without a copy (SQLITE_STATIC): the keys live in `nodes`, and each
  // blob is stepped before `blob` is written again.
  auto bind_key = [](sqlite3_stmt* statement, const FleetState::NodeKey& key) {
    sqlite3_bind_text(statement, 1, key.first.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 2, key.second.c_str(), -1, SQLITE_STATIC);
  };
  std::string blob;
  for (const FleetState::NodeKey& key : nodes) {
    state.SerializeWithoutWindows(key, &blob);
    bind_key(upsert.get(), key);
    sqlite3_bind_blob(upsert.get(), 3, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    RETURN_IF_ERROR(step(upsert.get(), "upsert"));
    const int64_t cutoff_ms = state.HorizonCutoffMs(key);
    if (cutoff_ms != std::numeric_limits<int64_t>::min()) {
      bind_key(drop_windows.get(), key);
      sqlite3_bind_int64(drop_windows.get(), 3, cutoff_ms);
      RETURN_IF_ERROR(step(drop_windows.get(), "delete windows"));
    }
    for (const v1::WindowSnapshot& window : state.UnsavedWindows(key)) {
      window.SerializeToString(&blob);
      bind_key(add_window.get(), key);
      // SQLite integers are signed: the session id's 64 bits are kept as they are.
      sqlite3_bind_int64(add_window.get(), 3, static_cast<int64_t>(window.session_id()));
      sqlite3_bind_int64(add_window.get(), 4, static_cast<int64_t>(window.sequence()));
      sqlite3_bind_int64(add_window.get(), 5, window.end_ms());
      sqlite3_bind_blob(add_window.get(), 6, blob.data(), static_cast<int>(blob.size()),
                        SQLITE_STATIC);
      RETURN_IF_ERROR(step(add_window.get(), "insert window"));
    }
  }
  return Exec("COMMIT");
}

int64_t StateStore::HistoryRetentionMs(const std::string& granularity) {
  constexpr int64_t kDayMs = 24LL * 3600 * 1000;
  return granularity == "hour" ? 14 * kDayMs : 400 * kDayMs;
}

absl::Status StateStore::SaveHistory(const std::vector<HistoryRow>& rows, int64_t now_ms) {
  RETURN_IF_ERROR(Exec("BEGIN"));
  Statement upsert(
      db_,
      "INSERT OR REPLACE INTO history (kind, key, granularity, bucket_start_ms, point) "
      "VALUES (?, ?, ?, ?, ?)");
  Statement prune(db_,
                  "DELETE FROM history WHERE (granularity = 'hour' AND bucket_start_ms < ?) OR "
                  "(granularity = 'day' AND bucket_start_ms < ?)");
  if (upsert.get() == nullptr || prune.get() == nullptr) {
    (void)Exec("ROLLBACK");
    return Error("prepare history");
  }
  for (const HistoryRow& row : rows) {
    const std::string blob = row.point.SerializeAsString();
    sqlite3_bind_text(upsert.get(), 1, row.kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert.get(), 2, row.key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert.get(), 3, row.granularity.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(upsert.get(), 4, row.point.bucket_start_ms());
    sqlite3_bind_blob(upsert.get(), 5, blob.data(), static_cast<int>(blob.size()),
                      SQLITE_TRANSIENT);
    if (sqlite3_step(upsert.get()) != SQLITE_DONE) {
      absl::Status failed = Error("history upsert");
      (void)Exec("ROLLBACK");
      return failed;
    }
    sqlite3_reset(upsert.get());
  }
  sqlite3_bind_int64(prune.get(), 1, now_ms - HistoryRetentionMs("hour"));
  sqlite3_bind_int64(prune.get(), 2, now_ms - HistoryRetentionMs("day"));
  if (sqlite3_step(prune.get()) != SQLITE_DONE) {
    absl::Status failed = Error("history prune");
    (void)Exec("ROLLBACK");
    return failed;
  }
  return Exec("COMMIT");
}

absl::StatusOr<v1::History> StateStore::LoadHistory(const std::string& kind, const std::string& key,
                                                    const std::string& granularity, int limit) {
  Statement select(db_,
                   "SELECT point FROM history WHERE kind = ? AND key = ? AND granularity = ? "
                   "ORDER BY bucket_start_ms DESC LIMIT ?");
  if (select.get() == nullptr) return Error("prepare history select");
  sqlite3_bind_text(select.get(), 1, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(select.get(), 2, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(select.get(), 3, granularity.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(select.get(), 4, limit);
  v1::History history;
  history.set_kind(kind);
  history.set_key(key);
  history.set_granularity(granularity);
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    v1::HistoryPoint* point = history.add_points();
    if (!point->ParseFromArray(sqlite3_column_blob(select.get(), 0),
                               sqlite3_column_bytes(select.get(), 0))) {
      return absl::DataLossError(absl::StrCat(path_, ": a history point does not decode"));
    }
  }
  if (rc != SQLITE_DONE) return Error("history select");
  std::reverse(history.mutable_points()->begin(), history.mutable_points()->end());
  return history;
}

absl::StatusOr<std::vector<v1::History>> StateStore::LoadHistories(
    const std::string& except_kind, int limit, std::vector<std::string>* damaged) {
  Statement select(db_,
                   "SELECT DISTINCT kind, key, granularity FROM history WHERE kind != ? "
                   "ORDER BY kind, key, granularity");
  if (select.get() == nullptr) return Error("prepare history series");
  sqlite3_bind_text(select.get(), 1, except_kind.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::array<std::string, 3>> series;
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    std::array<std::string, 3>& names = series.emplace_back();
    for (int i = 0; i < 3; ++i) {
      names[i] = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), i));
    }
  }
  if (rc != SQLITE_DONE) return Error("history series");
  std::vector<v1::History> histories;
  for (const auto& [kind, key, granularity] : series) {
    absl::StatusOr<v1::History> history = LoadHistory(kind, key, granularity, limit);
    if (history.ok()) {
      histories.push_back(*std::move(history));
    } else if (history.status().code() == absl::StatusCode::kDataLoss) {
      damaged->push_back(absl::StrCat(kind, "/", key, "/", granularity));
    } else {
      return history.status();
    }
  }
  return histories;
}

}  // namespace ftel
