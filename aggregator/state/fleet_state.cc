#include "aggregator/state/fleet_state.h"

#include <algorithm>
#include <limits>

#include "google/protobuf/arena.h"

namespace ftel {

bool NodeRecord::Overlaps(int64_t start_ms, int64_t end_ms) const {
  auto after = spans.lower_bound(start_ms);
  if (after != spans.end() && after->first < end_ms) return true;
  return after != spans.begin() && std::prev(after)->second.end_ms > start_ms;
}

ReportOutcome FleetState::ApplyReport(const v1::Report& report) {
  const NodeKey node_key{report.identity().factory_id(), report.identity().node_id()};
  NodeRecord& node = nodes_[node_key];
  const auto key = std::make_pair(report.session_id(), report.sequence());
  // Processed whatever the outcome: a duplicate or a report outside the
  // horizon is settled too, and the agent may delete it once committed.
  const bool commit_moved = node.commits.Processed(
      report.session_id(), report.sequence(), report.uncommitted_from(), report.window_end_ms());
  if (node.windows.count(key) > 0) {
    ++node.duplicates;
    Touch(node_key);
    return ReportOutcome::kDuplicate;
  }
  // A new node's first report is never outside: it sets the horizon.
  const int64_t newest = node.has_report ? node.newest.window_end_ms : report.window_end_ms();
  if (report.window_end_ms() < newest - kpi_horizon_ms_) {
    // Saved, so that the commit can go out; the results do not change.
    if (commit_moved) changed_.insert(node_key);
    return ReportOutcome::kOutsideHorizon;
  }
  Touch(node_key);
  if (node.Overlaps(report.window_start_ms(), report.window_end_ms())) {
    ++node.overlapping;
    return ReportOutcome::kOverlapping;
  }

  ++node.reports;
  if (report.clock_unsynchronized()) ++node.unsynchronized;
  if (record_local_) local_windows_[node_key].push_back(key);
  NodeRecord::Window& window = node.windows[key];
  AddUnsaved(key, &node);
  window.start_ms = report.window_start_ms();
  window.end_ms = report.window_end_ms();
  node.spans[window.start_ms] = {window.end_ms, key};
  window.totals.windows = 1;
  for (const v1::WorkUnitElements& elements : report.work_units()) window.totals.Add(elements);
  ApplyEvidence(node_key, key, report, &node);

  if (!node.has_report || report.window_end_ms() >= node.newest.window_end_ms) {
    node.has_report = true;
    node.identity = report.identity();
    const int64_t cutoff = report.window_end_ms() - kpi_horizon_ms_;
    node.newest.Assign(report, &strings_);
    // Drop windows that fell out of the horizon.
    DropBefore(cutoff, &node);
    PruneEvidence(&node);
  }
  return ReportOutcome::kAccepted;
}

void FleetState::ApplyEvidence(const NodeKey& key, std::pair<uint64_t, uint64_t> window_id,
                               const v1::Report& report, NodeRecord* node) {
  std::vector<v1::WindowEvidence>* local =
      record_local_ ? &local_evidence_[key][window_id] : nullptr;
  for (const v1::ScenarioCoverage& s : report.scenarios()) {
    const std::string scenario = ScenarioKey(s);
    node->evidence.Apply(scenario, report.window_end_ms(), s.evidence(), &strings_);
    if (local != nullptr) {
      v1::WindowEvidence& e = local->emplace_back();
      e.set_scenario(scenario);
      e.set_inferences(s.evidence().inference_count());
      e.set_unknown_reason(s.evidence().unknown_reason());
    }
  }
}

void FleetState::PruneEvidence(NodeRecord* node) {
  int64_t keep_ms = evidence_horizon_ms_;
  for (const NewestScenario& s : node->newest.scenarios) {
    keep_ms = std::max(keep_ms, EvidenceHorizonMs(s));
  }
  node->evidence.Prune(node->newest.window_end_ms, keep_ms, &strings_);
}

void FleetState::SettleRejected(const v1::Report& report) {
  const NodeKey node_key{report.identity().factory_id(), report.identity().node_id()};
  NodeRecord& node = nodes_[node_key];
  if (!node.has_report && !node.status_seen) node.identity = report.identity();
  // A rejected window's time (from a wrong clock, say) must not make its
  // session look the newest.
  const int64_t recency = node.has_report
                              ? std::min(report.window_end_ms(), node.newest.window_end_ms)
                              : report.window_end_ms();
  if (node.commits.Processed(report.session_id(), report.sequence(), report.uncommitted_from(),
                             recency)) {
    changed_.insert(node_key);  // saved, so that the commit can go out
  }
}

void FleetState::ApplyStatus(const v1::NodeStatus& status) {
  const NodeKey node_key{status.identity().factory_id(), status.identity().node_id()};
  NodeRecord& node = nodes_[node_key];
  if (node.status_seen && status.started_at_ms() < node.status_started_at_ms) return;
  Touch(node_key);
  node.status_seen = true;
  node.status_online = status.state() == v1::NodeStatus::ONLINE;
  node.status_started_at_ms = status.started_at_ms();
  if (!node.has_report) node.identity = status.identity();
}

void FleetState::AddUnsaved(std::pair<uint64_t, uint64_t> id, NodeRecord* node) {
  node->unsaved_windows.push_back(id);
  // Without a state store nothing is ever saved: keep the list within what
  // the node still holds.
  if (node->unsaved_windows.size() > 2 * node->windows.size() + 16) {
    auto gone = [node](const std::pair<uint64_t, uint64_t>& w) {
      return node->windows.count(w) == 0;
    };
    node->unsaved_windows.erase(
        std::remove_if(node->unsaved_windows.begin(), node->unsaved_windows.end(), gone),
        node->unsaved_windows.end());
  }
}

void FleetState::DropBefore(int64_t cutoff_ms, NodeRecord* node) {
  if (node->spans.size() == node->windows.size()) {
    // Only windows that began before the cutoff can have ended before it:
    // each report looks at those (what left, and the one or two still
    // reaching into the horizon), not at the whole hour it keeps.
    for (auto it = node->spans.begin(); it != node->spans.end() && it->first < cutoff_ms;) {
      if (it->second.end_ms >= cutoff_ms) {
        ++it;
        continue;
      }
      node->windows.erase(it->second.id);
      it = node->spans.erase(it);
    }
    return;
  }
  // A restored state whose windows shared a start (not written by this
  // version, which counts no overlap): every window is looked at.
  for (auto it = node->windows.begin(); it != node->windows.end();) {
    if (it->second.end_ms < cutoff_ms) {
      node->spans.erase(it->second.start_ms);
      it = node->windows.erase(it);
    } else {
      ++it;
    }
  }
}

std::set<FleetState::NodeKey> FleetState::TakeChanged() {
  std::set<NodeKey> changed;
  changed.swap(changed_);
  return changed;
}

void FleetState::Touch(const NodeKey& node) {
  changed_.insert(node);
  changed_factories_.insert(node.first);
}

std::set<std::string> FleetState::TakeChangedFactories() {
  std::set<std::string> changed;
  changed.swap(changed_factories_);
  return changed;
}

namespace {

v1::WindowSnapshot WindowRow(std::pair<uint64_t, uint64_t> id, const NodeRecord::Window& window) {
  v1::WindowSnapshot w;
  w.set_session_id(id.first);
  w.set_sequence(id.second);
  w.set_start_ms(window.start_ms);
  w.set_end_ms(window.end_ms);
  *w.mutable_totals() = window.totals.ToSnapshot();
  return w;
}

}  // namespace

v1::NodeSnapshot FleetState::Snapshot(const NodeKey& key) const {
  v1::NodeSnapshot snapshot = SnapshotWithoutWindows(key);
  for (const auto& [id, window] : nodes_.at(key).windows) {
    *snapshot.add_windows() = WindowRow(id, window);
  }
  return snapshot;
}

std::vector<v1::WindowSnapshot> FleetState::UnsavedWindows(const NodeKey& key) const {
  const NodeRecord& node = nodes_.at(key);
  std::vector<v1::WindowSnapshot> rows;
  for (const auto& id : node.unsaved_windows) {
    auto it = node.windows.find(id);
    if (it != node.windows.end()) rows.push_back(WindowRow(id, it->second));
  }
  return rows;
}

int64_t FleetState::HorizonCutoffMs(const NodeKey& key) const {
  const NodeRecord& node = nodes_.at(key);
  return node.has_report ? node.newest.window_end_ms - kpi_horizon_ms_
                         : std::numeric_limits<int64_t>::min();
}

void FleetState::WindowsSaved(const std::set<NodeKey>& nodes) {
  for (const NodeKey& key : nodes) {
    auto it = nodes_.find(key);
    if (it != nodes_.end()) it->second.unsaved_windows.clear();
  }
}

void FleetState::SerializeWithoutWindows(const NodeKey& key, std::string* out) const {
  // A save serializes every changed node (43,715 every 30 s in the national
  // run): built on an arena whose first block is on the stack, a snapshot
  // of a few dozen scenarios costs no malloc per string and per message.
  alignas(8) char block[kSnapshotBlockBytes];
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = sizeof(block);
  google::protobuf::Arena arena(options);
  auto* snapshot = google::protobuf::Arena::CreateMessage<v1::NodeSnapshot>(&arena);
  FillWithoutWindows(nodes_.at(key), snapshot);
  snapshot->SerializeToString(out);
}

v1::NodeSnapshot FleetState::SnapshotWithoutWindows(const NodeKey& key) const {
  v1::NodeSnapshot snapshot;
  FillWithoutWindows(nodes_.at(key), &snapshot);
  return snapshot;
}

void FleetState::FillWithoutWindows(const NodeRecord& node, v1::NodeSnapshot* snapshot) {
  *snapshot->mutable_identity() = node.identity;
  snapshot->set_status_seen(node.status_seen);
  snapshot->set_status_online(node.status_online);
  snapshot->set_status_started_at_ms(node.status_started_at_ms);
  snapshot->set_has_report(node.has_report);
  if (node.has_report) node.newest.SaveTo(snapshot->mutable_newest());
  snapshot->set_reports(node.reports);
  snapshot->set_duplicates(node.duplicates);
  snapshot->set_overlapping(node.overlapping);
  snapshot->set_unsynchronized(node.unsynchronized);
  node.commits.SaveTo(snapshot);
  node.evidence.SaveTo(snapshot);
}

void FleetState::Restore(const v1::NodeSnapshot& snapshot, bool windows_saved) {
  const NodeKey key{snapshot.identity().factory_id(), snapshot.identity().node_id()};
  NodeRecord& node = nodes_[key];
  changed_factories_.insert(snapshot.identity().factory_id());
  node.newest.Release(&strings_);
  node.evidence.Clear(&strings_);
  node = NodeRecord{};
  node.identity = snapshot.identity();
  node.status_seen = snapshot.status_seen();
  node.status_online = snapshot.status_online();
  node.status_started_at_ms = snapshot.status_started_at_ms();
  node.has_report = snapshot.has_report();
  RestoreNewest(snapshot, &node);
  for (const v1::WindowSnapshot& w : snapshot.windows()) {
    NodeRecord::Window& window = node.windows[{w.session_id(), w.sequence()}];
    window.start_ms = w.start_ms();
    window.end_ms = w.end_ms();
    window.totals = ElementTotals::FromSnapshot(w.totals());
    node.spans[window.start_ms] = {window.end_ms, {w.session_id(), w.sequence()}};
    if (!windows_saved) node.unsaved_windows.emplace_back(w.session_id(), w.sequence());
  }
  if (!windows_saved && snapshot.windows_size() > 0) changed_.insert(key);
  node.reports = snapshot.reports();
  node.duplicates = snapshot.duplicates();
  node.overlapping = snapshot.overlapping();
  node.unsynchronized = snapshot.unsynchronized();
  node.commits.RestoreFrom(snapshot);
  node.evidence.RestoreFrom(snapshot, &strings_);
}

void FleetState::RestoreNewest(const v1::NodeSnapshot& snapshot, NodeRecord* node) {
  if (snapshot.has_newest()) {
    node->newest.RestoreFrom(snapshot.newest(), &strings_);
  } else {
    node->newest.RestoreFrom(NewestOf(snapshot.latest()), &strings_);
  }
}

std::vector<v1::NodeSnapshot> FleetState::TakeLocalDelta() {
  std::vector<v1::NodeSnapshot> delta;
  for (const auto& [key, ids] : local_windows_) {
    const NodeRecord& node = nodes_.at(key);
    v1::NodeSnapshot snapshot;
    *snapshot.mutable_identity() = node.identity;
    snapshot.set_has_report(node.has_report);
    if (node.has_report) node.newest.SaveTo(snapshot.mutable_newest());
    for (const auto& id : ids) {
      auto it = node.windows.find(id);
      if (it == node.windows.end()) continue;  // already out of the horizon
      v1::WindowSnapshot* w = snapshot.add_windows();
      w->set_session_id(id.first);
      w->set_sequence(id.second);
      w->set_start_ms(it->second.start_ms);
      w->set_end_ms(it->second.end_ms);
      *w->mutable_totals() = it->second.totals.ToSnapshot();
      for (v1::WindowEvidence& e : local_evidence_[key][id]) *w->add_evidence() = std::move(e);
    }
    delta.push_back(std::move(snapshot));
  }
  local_windows_.clear();
  local_evidence_.clear();
  return delta;
}

void FleetState::MergeDelta(const v1::NodeSnapshot& delta) {
  const NodeKey key{delta.identity().factory_id(), delta.identity().node_id()};
  NodeRecord& node = nodes_[key];
  Touch(key);
  if (!node.has_report && !node.status_seen) node.identity = delta.identity();
  // A peer of an older version sends the whole report as `latest`.
  const v1::NewestReport newest = delta.has_newest() ? delta.newest() : NewestOf(delta.latest());
  if (delta.has_report() &&
      (!node.has_report || newest.window_end_ms() > node.newest.window_end_ms)) {
    node.has_report = true;
    node.identity = delta.identity();
    node.newest.RestoreFrom(newest, &strings_);
  }
  const int64_t cutoff = node.has_report ? node.newest.window_end_ms - kpi_horizon_ms_ : 0;
  for (const v1::WindowSnapshot& w : delta.windows()) {
    // Saved here, a peer's window is committed here too; the agent's word
    // about what it holds comes with the newest report of its session.
    const bool newest_session = delta.has_report() && newest.session_id() == w.session_id();
    node.commits.Processed(w.session_id(), w.sequence(),
                           newest_session ? newest.uncommitted_from() : 0, w.end_ms());
    if (w.end_ms() < cutoff) continue;
    if (node.windows.count({w.session_id(), w.sequence()}) > 0) continue;
    if (node.Overlaps(w.start_ms(), w.end_ms())) {
      ++node.overlapping;  // the peer counted time this member counted already
      continue;
    }
    NodeRecord::Window& window = node.windows[{w.session_id(), w.sequence()}];
    AddUnsaved({w.session_id(), w.sequence()}, &node);
    window.start_ms = w.start_ms();
    window.end_ms = w.end_ms();
    window.totals = ElementTotals::FromSnapshot(w.totals());
    node.spans[window.start_ms] = {window.end_ms, {w.session_id(), w.sequence()}};
    ++node.reports;
    for (const v1::WindowEvidence& e : w.evidence()) {
      v1::AiEvidence evidence;
      evidence.set_inference_count(e.inferences());
      evidence.set_unknown_reason(e.unknown_reason());
      node.evidence.Apply(e.scenario(), w.end_ms(), evidence, &strings_);
    }
  }
  DropBefore(cutoff, &node);
  if (node.has_report) PruneEvidence(&node);
}

}  // namespace ftel
