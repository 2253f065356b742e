// What the aggregator knows about every node: what the results need of its
// newest report (coverage and inventory), the production elements of its recent windows, and
// whether it is online. Reports are identified by (session, sequence), so a duplicate is never
// counted twice.
//
//   FleetState state(/*kpi_horizon_ms=*/3600000);
//   if (state.ApplyReport(report) == ReportOutcome::kAccepted) { ... }
#ifndef FTEL_AGGREGATOR_STATE_FLEET_STATE_H_
#define FTEL_AGGREGATOR_STATE_FLEET_STATE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "aggregator/kpi/production_kpis.h"
#include "aggregator/state/commit_tracker.h"
#include "aggregator/state/evidence_history.h"
#include "aggregator/state/newest_report.h"
#include "aggregator/state/string_pool.h"
#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"

namespace ftel {

// kOverlapping: a new (session, sequence) whose window overlaps time the node
// was counted for already, e.g. two agents started with one identity: a
// node's time counts once.
enum class ReportOutcome { kAccepted, kDuplicate, kOverlapping, kOutsideHorizon };

struct NodeRecord {
  v1::NodeIdentity identity;
  // From the newest retained status; unset until one arrives.
  bool status_seen = false;
  bool status_online = false;
  int64_t status_started_at_ms = 0;
  // Of the newest report by window end, what the results need.
  bool has_report = false;
  NewestReport newest;
  // Production elements per (session, sequence) within the KPI horizon.
  struct Window {
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    ElementTotals totals;
  };
  std::map<std::pair<uint64_t, uint64_t>, Window> windows;
  // The same windows by start, to find overlaps and the ones that left the
  // horizon (they began before its start) without looking at the others.
  struct Span {
    int64_t end_ms = 0;
    std::pair<uint64_t, uint64_t> id;
  };
  std::map<int64_t, Span> spans;
  uint64_t reports = 0;
  uint64_t duplicates = 0;
  // Reports not counted because their window overlapped counted time.
  uint64_t overlapping = 0;
  // Counted reports stamped with a clock the agent found unsynchronised.
  uint64_t unsynchronized = 0;
  // Whether the window [start_ms, end_ms) overlaps a counted one.
  bool Overlaps(int64_t start_ms, int64_t end_ms) const;
  // What is committed of its sessions' reports once this record is saved.
  CommitTracker commits;
  // Each scenario's AI evidence over its evidence horizon.
  EvidenceHistory evidence;
  // Windows added since the state store last saved this node (some may
  // have left the horizon since); each is one row of the store.
  std::vector<std::pair<uint64_t, uint64_t>> unsaved_windows;

  // Online per its status; a node that never sent one counts as online once
  // it reports.
  bool online() const { return status_seen ? status_online : has_report; }
};

// Not thread-safe; owned by the aggregator's processing thread. Not
// copyable: its nodes point into its string pool.
class FleetState {
 public:
  using NodeKey = std::pair<std::string, std::string>;  // factory id, node id

  // `evidence_horizon_ms`: how long evidence keeps a scenario AI-observed
  // when its report gives no horizon of its own.
  explicit FleetState(int64_t kpi_horizon_ms,
                      int64_t evidence_horizon_ms = kDefaultEvidenceHorizonMs)
      : kpi_horizon_ms_(kpi_horizon_ms), evidence_horizon_ms_(evidence_horizon_ms) {}
  FleetState(const FleetState&) = delete;
  FleetState& operator=(const FleetState&) = delete;

  static constexpr int64_t kDefaultEvidenceHorizonMs = 24 * 3600 * 1000;
  int64_t evidence_horizon_ms() const { return evidence_horizon_ms_; }
  // A scenario's horizon: its report's, else the default.
  int64_t EvidenceHorizonMs(const NewestScenario& scenario) const {
    return scenario.evidence_horizon_s > 0
               ? static_cast<int64_t>(scenario.evidence_horizon_s) * 1000
               : evidence_horizon_ms_;
  }

  // Takes the report: its work units are summed into the window, and what
  // the results need of the rest is kept when it is the newest.
  ReportOutcome ApplyReport(const v1::Report& report);
  // Settles a report that was rejected for its content: it counts for the
  // node's commits (the agent may delete it), never for its figures.
  void SettleRejected(const v1::Report& report);
  // Ignores a status older (by started_at) than the one already held.
  void ApplyStatus(const v1::NodeStatus& status);

  const std::map<NodeKey, NodeRecord>& nodes() const { return nodes_; }
  // Distinct scenario ids, links and unknown reasons the nodes hold.
  size_t pooled_strings() const { return strings_.size(); }

  // Nodes changed since the last call, for the state store.
  std::set<NodeKey> TakeChanged();
  // Whether a node changed since the last TakeChanged.
  bool HasChanged() const { return !changed_.empty(); }
  // Marks nodes changed again (after a failed save, so the next one retries).
  void MarkChanged(const std::set<NodeKey>& nodes) { changed_.insert(nodes.begin(), nodes.end()); }
  // Factories whose nodes changed (or were restored) since the last call, for
  // the results cache.
  std::set<std::string> TakeChangedFactories();
  // The node whole (windows included), as the state of one node travels.
  v1::NodeSnapshot Snapshot(const NodeKey& key) const;
  // `windows_saved`: whether the snapshot's windows are in the state store
  // already (as rows of their own); when not, the next save writes them.
  void Restore(const v1::NodeSnapshot& snapshot, bool windows_saved = true);

  // For the state store, which keeps a node's windows as rows of their own
  // and writes only what changed: the node without its windows, the windows
  // added since the last save, and the window end before which the node's
  // stored windows are out of the horizon (INT64_MIN: none are).
  v1::NodeSnapshot SnapshotWithoutWindows(const NodeKey& key) const;
  // SnapshotWithoutWindows(key), serialized into `out`.
  void SerializeWithoutWindows(const NodeKey& key, std::string* out) const;
  std::vector<v1::WindowSnapshot> UnsavedWindows(const NodeKey& key) const;
  int64_t HorizonCutoffMs(const NodeKey& key) const;
  // After a successful save of `nodes`: their windows are on disk.
  void WindowsSaved(const std::set<NodeKey>& nodes);

  // Cluster mode: remember the windows accepted here, for TakeLocalDelta.
  void set_record_local_windows(bool on) { record_local_ = on; }
  // The windows accepted here since the last call, per node, with what is
  // kept of each node's newest report; empty when there were none.
  std::vector<v1::NodeSnapshot> TakeLocalDelta();
  // Merges a peer's delta: new windows are added (known ones ignored), a
  // newer report replaces the newest. Statuses are not part of deltas.
  void MergeDelta(const v1::NodeSnapshot& delta);

 private:
  // Where SerializeWithoutWindows builds a snapshot: enough for a node of
  // the catalogue's 40 scenarios; a larger one takes more from the heap.
  static constexpr size_t kSnapshotBlockBytes = 32 * 1024;

  // For the state store and the results cache.
  void Touch(const NodeKey& node);
  // The node's snapshot, its windows left out.
  static void FillWithoutWindows(const NodeRecord& node, v1::NodeSnapshot* snapshot);
  // Forgets the node's windows that ended before `cutoff_ms`.
  static void DropBefore(int64_t cutoff_ms, NodeRecord* node);
  // Notes a new window for the next save.
  static void AddUnsaved(std::pair<uint64_t, uint64_t> id, NodeRecord* node);
  // Takes one window's evidence into the node's history (and, in cluster
  // mode, into the delta).
  void ApplyEvidence(const NodeKey& key, std::pair<uint64_t, uint64_t> window_id,
                     const v1::Report& report, NodeRecord* node);
  // Forgets evidence older than the longest horizon of the node's newest report.
  void PruneEvidence(NodeRecord* node);
  // A snapshot's newest report, in either of its forms.
  void RestoreNewest(const v1::NodeSnapshot& snapshot, NodeRecord* node);

  const int64_t kpi_horizon_ms_;
  const int64_t evidence_horizon_ms_;
  // Declared before the nodes, which hold its strings.
  StringPool strings_;
  std::map<NodeKey, NodeRecord> nodes_;
  std::set<NodeKey> changed_;
  std::set<std::string> changed_factories_;
  bool record_local_ = false;
  std::map<NodeKey, std::vector<std::pair<uint64_t, uint64_t>>> local_windows_;
  std::map<NodeKey, std::map<std::pair<uint64_t, uint64_t>, std::vector<v1::WindowEvidence>>>
      local_evidence_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_FLEET_STATE_H_
