#include "aggregator/state/state_store.h"

#include <sqlite3.h>

#include "aggregator/engine/penetration_engine.h"
#include "gtest/gtest.h"
#include "libftel/schema/proto_json.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

v1::Report MakeReport(const std::string& factory, uint64_t sequence) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory);
  report.mutable_identity()->set_node_id("n1");
  report.mutable_identity()->set_sector("electronics");
  report.set_session_id(42);
  report.set_sequence(sequence);
  report.set_window_start_ms(1000 * (sequence - 1));
  report.set_window_end_ms(1000 * sequence);
  v1::ScenarioCoverage* s = report.add_scenarios();
  s->set_catalogue_id("PO-05");
  s->set_link("PO");
  s->set_built(true);
  s->set_ai_declared(sequence % 2 == 0);
  v1::WorkUnitElements* unit = report.add_work_units();
  unit->set_planned_busy_time_s(10);
  unit->set_actual_production_time_s(8);
  unit->set_planned_run_time_per_unit_s(1);
  unit->set_produced_quantity(7);
  unit->set_good_quantity(6);
  report.mutable_health()->set_dropped_full(3);
  return report;
}

TEST(StateStore, RestoredStateGivesTheSameResultsAndKnowsItsDuplicates) {
  TempDir dir;
  const std::string path = dir.path() + "/aggregator.db";
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  FleetState before(3600000);
  for (uint64_t seq : {1, 2, 4}) before.ApplyReport(MakeReport("f1", seq));
  before.ApplyReport(MakeReport("f2", 1));
  v1::NodeStatus online;
  online.mutable_identity()->set_factory_id("f2");
  online.mutable_identity()->set_node_id("n1");
  online.set_state(v1::NodeStatus::ONLINE);
  before.ApplyStatus(online);
  {
    auto store = StateStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Save(before, before.TakeChanged()).ok());
  }
  FleetState after(3600000);
  auto store = StateStore::Open(path);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->Load(&after);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, 2u);

  const FleetResults expected = ComputeResults(before, *catalogue, 9);
  const FleetResults restored = ComputeResults(after, *catalogue, 9);
  ASSERT_EQ(restored.factories.size(), expected.factories.size());
  for (size_t i = 0; i < expected.factories.size(); ++i) {
    EXPECT_EQ(ToJson(*restored.factories[i]), ToJson(*expected.factories[i]));
  }
  ASSERT_EQ(restored.groups.size(), expected.groups.size());
  for (size_t i = 0; i < expected.groups.size(); ++i) {
    EXPECT_EQ(ToJson(restored.groups[i]), ToJson(expected.groups[i]));
  }
  EXPECT_EQ(ToJson(restored.fleet), ToJson(expected.fleet));
  // A replay of an already counted report is still a duplicate; the gap is not.
  EXPECT_EQ(after.ApplyReport(MakeReport("f1", 2)), ReportOutcome::kDuplicate);
  EXPECT_EQ(after.ApplyReport(MakeReport("f1", 3)), ReportOutcome::kAccepted);
}

// Rows of a table of the file, counted by a connection of the test's own.
int64_t CountRows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

std::string AllResults(const FleetState& state) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  const FleetResults results = ComputeResults(state, *catalogue, 9);
  std::string all = ToJson(results.fleet);
  for (const auto& factory : results.factories) all += ToJson(*factory);
  return all;
}

TEST(StateStore, ASaveWritesTheNewWindowsAndDeletesThoseThatLeftTheHorizon) {
  TempDir dir;
  const std::string path = dir.path() + "/aggregator.db";
  auto store = StateStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  FleetState state(5000);  // a 5 s horizon: five 1 s windows
  auto save = [&] {
    const std::set<FleetState::NodeKey> changed = state.TakeChanged();
    ASSERT_TRUE((*store)->Save(state, changed).ok());
    state.WindowsSaved(changed);
  };
  for (uint64_t seq = 1; seq <= 3; ++seq) state.ApplyReport(MakeReport("f1", seq));
  save();
  EXPECT_EQ(CountRows(path, "SELECT count(*) FROM windows"), 3);
  EXPECT_TRUE(state.UnsavedWindows({"f1", "n1"}).empty()) << "saved windows are not offered again";
  for (uint64_t seq = 4; seq <= 9; ++seq) state.ApplyReport(MakeReport("f1", seq));
  ASSERT_EQ(state.UnsavedWindows({"f1", "n1"}).size(), 6u);
  save();
  // Windows 9 s back... : the horizon keeps those ending at or after 4 s.
  EXPECT_EQ(CountRows(path, "SELECT count(*) FROM windows"),
            static_cast<int64_t>(state.nodes().at({"f1", "n1"}).windows.size()));
  EXPECT_EQ(CountRows(path, "SELECT min(end_ms) FROM windows"), 4000);
  EXPECT_EQ(CountRows(path, "SELECT count(*) FROM nodes"), 1);

  FleetState after(5000);
  auto loaded = (*store)->Load(&after);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(AllResults(after), AllResults(state));
  EXPECT_TRUE(after.UnsavedWindows({"f1", "n1"}).empty());
  EXPECT_TRUE(after.TakeChanged().empty()) << "a start rewrites nothing";
  EXPECT_EQ(after.ApplyReport(MakeReport("f1", 9)), ReportOutcome::kDuplicate);
}

TEST(StateStore, AFileWhoseNodesHoldTheirWindowsLoadsAndItsFirstSaveMovesThemToRows) {
  TempDir dir;
  const std::string path = dir.path() + "/aggregator.db";
  FleetState before(3600000);
  for (uint64_t seq = 1; seq <= 4; ++seq) before.ApplyReport(MakeReport("f1", seq));
  {
    // The layout of files written before windows had rows of their own.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE nodes (factory_id TEXT NOT NULL, node_id TEXT NOT NULL, "
                           "snapshot BLOB NOT NULL, PRIMARY KEY (factory_id, node_id))",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    const std::string blob = before.Snapshot({"f1", "n1"}).SerializeAsString();
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO nodes VALUES ('f1', 'n1', ?)", -1, &insert, nullptr);
    sqlite3_bind_blob(insert, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  auto store = StateStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  FleetState after(3600000);
  ASSERT_TRUE((*store)->Load(&after).ok());
  EXPECT_EQ(AllResults(after), AllResults(before));
  const std::set<FleetState::NodeKey> changed = after.TakeChanged();
  ASSERT_EQ(changed.size(), 1u) << "the node is saved again, in the new layout";
  ASSERT_TRUE((*store)->Save(after, changed).ok());
  after.WindowsSaved(changed);
  EXPECT_EQ(CountRows(path, "SELECT count(*) FROM windows"), 4);
  FleetState again(3600000);
  ASSERT_TRUE((*store)->Load(&again).ok());
  EXPECT_EQ(again.Snapshot({"f1", "n1"}).SerializeAsString(),
            before.Snapshot({"f1", "n1"}).SerializeAsString());
  EXPECT_TRUE(again.TakeChanged().empty());
}

TEST(StateStore, UnwritableLocationNamesThePath) {
  auto store = StateStore::Open("/nonexistent/dir/aggregator.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent/dir/aggregator.db"), std::string::npos);
}

TEST(Completeness, MissingWindowsLowerIt) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  FleetState state(3600000);
  for (uint64_t seq : {1, 2, 4, 5}) state.ApplyReport(MakeReport("f1", seq));  // 3 missing
  const FleetResults results = ComputeResults(state, *catalogue, 0);
  const v1::Ratio& completeness = results.factories[0]->completeness();
  EXPECT_DOUBLE_EQ(completeness.numerator(), 4000);  // ms covered
  EXPECT_DOUBLE_EQ(completeness.denominator(), 5000);
  EXPECT_EQ(results.factories[0]->agent_dropped(), 3u);
  EXPECT_DOUBLE_EQ(results.fleet.completeness().percent(), 80);
  state.ApplyReport(MakeReport("f1", 3));  // the replay fills the gap
  EXPECT_DOUBLE_EQ(ComputeResults(state, *catalogue, 0).factories[0]->completeness().percent(),
                   100);
}

}  // namespace
}  // namespace ftel
