#include "aggregator/state/fleet_state.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "aggregator/engine/penetration_engine.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

v1::Report MakeReport(uint64_t session, uint64_t sequence, int64_t end_ms, uint64_t produced) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id("f1");
  report.mutable_identity()->set_node_id("n1");
  report.set_session_id(session);
  report.set_sequence(sequence);
  report.set_window_start_ms(end_ms - 1000);
  report.set_window_end_ms(end_ms);
  v1::WorkUnitElements* unit = report.add_work_units();
  unit->set_work_unit_id("line");
  unit->set_produced_quantity(produced);
  return report;
}

double Produced(const NodeRecord& node) {
  double total = 0;
  for (const auto& window : node.windows) total += window.second.totals.produced_quantity;
  return total;
}

TEST(FleetState, DuplicateIsCountedOnce) {
  FleetState state(3600000);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 1, 10000, 5)), ReportOutcome::kAccepted);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 1, 10000, 5)), ReportOutcome::kDuplicate);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 2, 11000, 5)), ReportOutcome::kAccepted);
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  EXPECT_EQ(node.reports, 2u);
  EXPECT_EQ(node.duplicates, 1u);
  EXPECT_DOUBLE_EQ(Produced(node), 10);
}

TEST(FleetState, SameSequenceInANewSessionIsNewData) {
  FleetState state(3600000);
  state.ApplyReport(MakeReport(7, 1, 10000, 5));
  EXPECT_EQ(state.ApplyReport(MakeReport(8, 1, 11000, 5)), ReportOutcome::kAccepted);
}

TEST(FleetState, LateWindowFillsItsPlaceButDoesNotReplaceTheNewest) {
  FleetState state(3600000);
  state.ApplyReport(MakeReport(7, 2, 20000, 5));
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 1, 10000, 3)), ReportOutcome::kAccepted);
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  EXPECT_EQ(node.newest.sequence, 2u);
  EXPECT_DOUBLE_EQ(Produced(node), 8);
}

TEST(FleetState, WindowsOutsideTheHorizonAreDroppedAndNotAccepted) {
  FleetState state(/*kpi_horizon_ms=*/5000);
  state.ApplyReport(MakeReport(7, 1, 10000, 1));
  state.ApplyReport(MakeReport(7, 2, 20000, 2));
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  EXPECT_EQ(node.windows.size(), 1u);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 0, 12000, 4)), ReportOutcome::kOutsideHorizon);
  EXPECT_DOUBLE_EQ(Produced(node), 2);
}

TEST(FleetState, AnHourOfWindowsKeepsExactlyThoseInTheHorizon) {
  // 10 s windows for 100 minutes into a 1 h horizon: each report drops what
  // left, oldest first, and keeps the rest.
  FleetState state(3600000);
  for (uint64_t i = 1; i <= 600; ++i) {
    v1::Report report = MakeReport(7, i, static_cast<int64_t>(i) * 10000, i);
    report.set_window_start_ms(report.window_end_ms() - 10000);
    ASSERT_EQ(state.ApplyReport(report), ReportOutcome::kAccepted);
    const NodeRecord& node = state.nodes().at({"f1", "n1"});
    // Windows ending at or after (end - 1 h): 361 once the hour is full.
    const uint64_t kept = std::min<uint64_t>(i, 361);
    ASSERT_EQ(node.windows.size(), kept) << "after window " << i;
    ASSERT_EQ(node.spans.size(), kept);
  }
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  // Produced 240..600: the windows left are the newest 361.
  EXPECT_DOUBLE_EQ(Produced(node), (240.0 + 600.0) * 361 / 2);
  EXPECT_EQ(node.windows.begin()->first.second, 240u);
}

TEST(FleetState, RestoredWindowsSharingAStartStillLeaveTheHorizon) {
  // Not written by this version (it counts no overlap), but a state file is
  // input: two windows with one start, and both go when the hour passes.
  v1::NodeSnapshot snapshot;
  snapshot.mutable_identity()->set_factory_id("f1");
  snapshot.mutable_identity()->set_node_id("n1");
  for (uint64_t sequence : {1, 2}) {
    v1::WindowSnapshot* w = snapshot.add_windows();
    w->set_session_id(3);
    w->set_sequence(sequence);
    w->set_start_ms(0);
    w->set_end_ms(10000);
  }
  FleetState state(3600000);
  state.Restore(snapshot);
  ASSERT_EQ(state.nodes().at({"f1", "n1"}).windows.size(), 2u);
  ASSERT_EQ(state.ApplyReport(MakeReport(7, 1, 4000000, 1)), ReportOutcome::kAccepted);
  EXPECT_EQ(state.nodes().at({"f1", "n1"}).windows.size(), 1u);
  EXPECT_DOUBLE_EQ(Produced(state.nodes().at({"f1", "n1"})), 1);
}

TEST(FleetState, RestoredOverlappingWindowsLeaveTheHorizonEachByItsEnd) {
  // A state file from before overlaps were refused: a long window and a
  // short one inside it. The short one leaves when it ended, although the
  // long one began earlier and is still in the horizon.
  v1::NodeSnapshot snapshot;
  snapshot.mutable_identity()->set_factory_id("f1");
  snapshot.mutable_identity()->set_node_id("n1");
  const std::pair<int64_t, int64_t> spans[] = {{0, 100000}, {50000, 60000}};
  uint64_t sequence = 0;
  for (const auto& [start, end] : spans) {
    v1::WindowSnapshot* w = snapshot.add_windows();
    w->set_session_id(3);
    w->set_sequence(++sequence);
    w->set_start_ms(start);
    w->set_end_ms(end);
    w->mutable_totals()->set_produced_quantity(static_cast<double>(sequence));
  }
  FleetState state(3600000);
  state.Restore(snapshot);
  // The horizon now starts at 70 s.
  ASSERT_EQ(state.ApplyReport(MakeReport(7, 1, 3670000, 10)), ReportOutcome::kAccepted);
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  EXPECT_EQ(node.windows.size(), 2u);
  EXPECT_EQ(node.windows.count({3, 2}), 0u) << "the short window ended at 60 s";
  EXPECT_DOUBLE_EQ(Produced(node), 1 + 10);
}

TEST(FleetState, StaleStatusDoesNotOverrideNewerOne) {
  FleetState state(3600000);
  v1::NodeStatus online;
  online.mutable_identity()->set_factory_id("f1");
  online.mutable_identity()->set_node_id("n1");
  online.set_state(v1::NodeStatus::ONLINE);
  online.set_started_at_ms(2000);
  v1::NodeStatus old_will = online;
  old_will.set_state(v1::NodeStatus::OFFLINE);
  old_will.set_started_at_ms(1000);
  state.ApplyStatus(online);
  state.ApplyStatus(old_will);
  EXPECT_TRUE(state.nodes().at({"f1", "n1"}).online());
  v1::NodeStatus new_offline = online;
  new_offline.set_state(v1::NodeStatus::OFFLINE);
  state.ApplyStatus(new_offline);
  EXPECT_FALSE(state.nodes().at({"f1", "n1"}).online());
}

TEST(FleetState, ANodesTimeCountsOnceWhateverTheSequenceOrSession) {
  FleetState state(3600000);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 1, 10000, 5)), ReportOutcome::kAccepted);
  // The same window under another sequence number (a hostile or broken agent).
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 2, 10000, 5)), ReportOutcome::kOverlapping);
  // A second agent with the same identity: its own session, windows that
  // overlap the first agent's by half.
  EXPECT_EQ(state.ApplyReport(MakeReport(8, 1, 10500, 5)), ReportOutcome::kOverlapping);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 3, 11000, 5)), ReportOutcome::kAccepted);
  const NodeRecord& node = state.nodes().at({"f1", "n1"});
  EXPECT_EQ(node.overlapping, 2u);
  EXPECT_EQ(node.windows.size(), 2u);
  EXPECT_DOUBLE_EQ(Produced(node), 10) << "each window's production counted once";
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  const FleetResults results = ComputeResults(state, *catalogue, 11000);
  ASSERT_EQ(results.factories.size(), 1u);
  EXPECT_LE(results.factories[0]->completeness().percent(), 100);
  EXPECT_EQ(results.factories[0]->overlapping_windows(), 2u);
  // Restored from its snapshot, the node still knows the counted time.
  FleetState restored(3600000);
  restored.Restore(state.Snapshot({"f1", "n1"}));
  EXPECT_EQ(restored.ApplyReport(MakeReport(9, 1, 10800, 5)), ReportOutcome::kOverlapping);
  EXPECT_EQ(restored.nodes().at({"f1", "n1"}).overlapping, 3u);
}

TEST(FleetState, TheStoresSerializationParsesAsTheSnapshotWithoutWindows) {
  FleetState state(3600000);
  state.ApplyReport(MakeReport(9, 1, 10000, 5));
  state.ApplyReport(MakeReport(9, 2, 20000, 5));
  std::string bytes;
  state.SerializeWithoutWindows({"f1", "n1"}, &bytes);
  v1::NodeSnapshot parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  const v1::NodeSnapshot expected = state.SnapshotWithoutWindows({"f1", "n1"});
  ASSERT_TRUE(parsed.has_newest());
  EXPECT_EQ(parsed.newest().sequence(), 2u);
  EXPECT_FALSE(parsed.has_latest()) << "the whole report is not written";
  EXPECT_EQ(parsed.windows_size(), 0);
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString());
}

// A report with scenarios, evidence and the health and inventory figures the
// results publish.
v1::Report WithCoverage(v1::Report report, const std::string& custom_id) {
  for (const char* id : {"PD-01", "PM-02"}) {
    v1::ScenarioCoverage* s = report.add_scenarios();
    s->set_catalogue_id(id);
    s->set_link(id[1] == 'D' ? "PD" : "PM");
    s->set_built(true);
    s->set_ai_declared(id[1] == 'M');
    s->mutable_evidence()->set_inference_count(id[1] == 'M' ? 7 : 0);
    s->mutable_evidence()->add_model_ids("model-with-a-long-identifier-1");
  }
  v1::ScenarioCoverage* custom = report.add_scenarios();
  custom->set_custom_id(custom_id);
  custom->set_link("PM");
  custom->set_built(true);
  custom->set_evidence_horizon_s(7200);
  custom->mutable_evidence()->set_unknown_reason("model server unreachable");
  report.mutable_inventory()->set_terminals(12);
  report.mutable_inventory()->set_ai_capable_terminals(5);
  report.mutable_health()->set_spool_pending(3);
  report.mutable_health()->set_dropped_full(1);
  report.mutable_health()->set_dropped_disk_full(2);
  report.set_uncommitted_from(4);
  return report;
}

TEST(FleetState, ANodeOfManyScenariosSerializesWholeBeyondTheFirstArenaBlock) {
  // 1,500 custom scenarios, each with its evidence: well past the block a
  // save builds a snapshot in, so the arena takes more from the heap.
  v1::Report report = MakeReport(9, 1, 10000, 5);
  for (int i = 0; i < 1500; ++i) {
    v1::ScenarioCoverage* s = report.add_scenarios();
    s->set_custom_id(absl::StrCat("custom-scenario-with-a-long-name-", i));
    s->set_link("PM");
    s->set_built(true);
    s->set_ai_declared(i % 2 == 0);
    s->mutable_evidence()->set_inference_count(static_cast<uint64_t>(i));
  }
  FleetState state(3600000);
  ASSERT_EQ(state.ApplyReport(report), ReportOutcome::kAccepted);
  std::string bytes;
  state.SerializeWithoutWindows({"f1", "n1"}, &bytes);
  EXPECT_GT(bytes.size(), 32u * 1024);
  const v1::NodeSnapshot expected = state.SnapshotWithoutWindows({"f1", "n1"});
  EXPECT_EQ(bytes, expected.SerializeAsString());
  v1::NodeSnapshot parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  FleetState restored(3600000);
  restored.Restore(parsed);
  EXPECT_EQ(restored.SnapshotWithoutWindows({"f1", "n1"}).SerializeAsString(), bytes)
      << "the serialized node restores to itself";
}

TEST(FleetState, AStateFileOfWholeReportsLoadsAsTheCompactForm) {
  // Before the compact form, a node's row held its newest report whole, as
  // `latest`; such a row restores to what the compact one does.
  FleetState state(3600000);
  const v1::Report report = WithCoverage(MakeReport(9, 5, 50000, 5), "inspection-x");
  state.ApplyReport(report);
  const v1::NodeSnapshot compact = state.Snapshot({"f1", "n1"});
  ASSERT_TRUE(compact.has_newest());
  v1::NodeSnapshot whole = compact;
  whole.clear_newest();
  *whole.mutable_latest() = report;
  whole.mutable_latest()->clear_work_units();
  FleetState restored(3600000);
  restored.Restore(whole);
  EXPECT_EQ(restored.Snapshot({"f1", "n1"}).SerializeAsString(), compact.SerializeAsString());
  const NewestReport& newest = restored.nodes().at({"f1", "n1"}).newest;
  EXPECT_EQ(newest.sequence, 5u);
  EXPECT_EQ(newest.uncommitted_from, 4u);
  EXPECT_EQ(newest.dropped, 3u);
  EXPECT_EQ(newest.spool_pending, 3u);
  ASSERT_EQ(newest.scenarios.size(), 3u);
  EXPECT_TRUE(newest.scenarios[2].custom);
  EXPECT_EQ(newest.scenarios[2].id(), "inspection-x");
  EXPECT_EQ(newest.scenarios[2].evidence_horizon_s, 7200u);
  // And the results are the same.
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const FleetResults from_whole = ComputeResults(restored, *catalogue, 60000);
  const FleetResults from_compact = ComputeResults(state, *catalogue, 60000);
  ASSERT_EQ(from_whole.factories.size(), 1u);
  EXPECT_EQ(from_whole.factories[0]->SerializeAsString(),
            from_compact.factories[0]->SerializeAsString());
  EXPECT_EQ(from_compact.factories[0]->agent_dropped(), 3u);
  EXPECT_EQ(from_compact.factories[0]->custom_built(), 1u);
}

TEST(FleetState, StringsNoNodeHoldsAnyMoreAreFreed) {
  // A node that names a new custom scenario in every report (an hour apart):
  // each is held while the evidence horizon (24 h) keeps it, then freed, so
  // what a publisher sends cannot grow the state without bound.
  FleetState state(3600000);
  constexpr int64_t kHour = 3600 * 1000;
  for (int i = 1; i <= 100; ++i) {
    state.ApplyReport(
        WithCoverage(MakeReport(9, i, 1800000000000 + i * kHour, 1), absl::StrCat("job-", i)));
  }
  // Two catalogue ids, two links, one unknown reason, and the custom ids of
  // the last 24 or 25 hours.
  EXPECT_LE(state.pooled_strings(), 5u + 25u);
  EXPECT_GE(state.pooled_strings(), 5u + 24u);
  // A restore over the node releases what it held.
  FleetState fresh(3600000);
  fresh.Restore(state.Snapshot({"f1", "n1"}));
  fresh.Restore(state.Snapshot({"f1", "n1"}));
  EXPECT_EQ(fresh.pooled_strings(), state.pooled_strings());
}

TEST(FleetState, GroupInventorySumsDoNotWrap) {
  FleetState state(3600000);
  for (const char* factory : {"a", "b"}) {
    v1::Report report = MakeReport(7, 1, 10000, 5);
    report.mutable_identity()->set_factory_id(factory);
    report.mutable_inventory()->set_terminals(UINT32_MAX);
    report.mutable_inventory()->set_ai_capable_terminals(UINT32_MAX / 2);
    report.mutable_inventory()->set_vertical_models(UINT32_MAX);
    state.ApplyReport(report);
  }
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  const FleetResults results = ComputeResults(state, *catalogue, 10000);
  EXPECT_DOUBLE_EQ(results.fleet.terminals().denominator(), 2.0 * UINT32_MAX);
  EXPECT_DOUBLE_EQ(results.fleet.terminals().numerator(), 2.0 * (UINT32_MAX / 2));
  EXPECT_EQ(results.fleet.vertical_models(), UINT32_MAX) << "saturates, never wraps";
}

TEST(FleetState, OnlyInputThatChangesANodeMarksItChanged) {
  FleetState state(3600000);
  state.ApplyReport(MakeReport(7, 1, 10000000, 5));
  v1::NodeStatus status;
  *status.mutable_identity() = MakeReport(7, 1, 0, 0).identity();
  status.set_state(v1::NodeStatus::ONLINE);
  status.set_started_at_ms(2000);
  state.ApplyStatus(status);
  EXPECT_EQ(state.TakeChanged().size(), 1u);
  EXPECT_EQ(state.TakeChangedFactories(), std::set<std::string>{"f1"});

  status.set_started_at_ms(1000);  // an older process's status: ignored
  state.ApplyStatus(status);
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 2, 1000, 5)), ReportOutcome::kOutsideHorizon);
  EXPECT_EQ(state.TakeChanged().size(), 1u) << "settled: its commit must be saved";
  EXPECT_TRUE(state.TakeChangedFactories().empty()) << "the results do not change";
  EXPECT_EQ(state.ApplyReport(MakeReport(7, 2, 1000, 5)), ReportOutcome::kOutsideHorizon);
  EXPECT_TRUE(state.TakeChanged().empty()) << "settled already";
  EXPECT_TRUE(state.TakeChangedFactories().empty());

  EXPECT_EQ(state.ApplyReport(MakeReport(7, 1, 10000000, 5)), ReportOutcome::kDuplicate);
  EXPECT_EQ(state.TakeChanged().size(), 1u);  // the duplicate counter moved
  EXPECT_EQ(state.TakeChangedFactories(), std::set<std::string>{"f1"});
}

}  // namespace
}  // namespace ftel

namespace ftel {
namespace {

TEST(FleetStateMerge, TwoMembersExchangingDeltasHoldTheSingleStateCounts) {
  FleetState single(3600000);
  FleetState a(3600000);
  FleetState b(3600000);
  a.set_record_local_windows(true);
  b.set_record_local_windows(true);
  for (uint64_t seq = 1; seq <= 10; ++seq) {
    const v1::Report report = MakeReport(7, seq, 1000 * seq, seq);
    single.ApplyReport(report);
    (seq % 3 == 0 ? a : b).ApplyReport(report);  // the shared subscription's split
  }
  const std::vector<v1::NodeSnapshot> from_a = a.TakeLocalDelta();
  const std::vector<v1::NodeSnapshot> from_b = b.TakeLocalDelta();
  for (const auto& node : from_a) b.MergeDelta(node);
  for (const auto& node : from_b) a.MergeDelta(node);
  for (const auto& node : from_a) b.MergeDelta(node);  // a redelivered delta changes nothing
  EXPECT_TRUE(a.TakeLocalDelta().empty()) << "merged windows are not passed on again";
  for (const FleetState* member : {&a, &b}) {
    const NodeRecord& node = member->nodes().at({"f1", "n1"});
    EXPECT_EQ(node.windows.size(), 10u);
    EXPECT_EQ(node.reports, 10u);
    EXPECT_DOUBLE_EQ(Produced(node), Produced(single.nodes().at({"f1", "n1"})));
    EXPECT_EQ(node.newest.sequence, 10u);
  }
}

}  // namespace
}  // namespace ftel
