// Which of one node's reports are durably applied, as a watermark per
// session: the `through_sequence` of the commits the aggregator publishes
// (proto/ftel/v1/commit.proto). A sequence counts once it was processed in
// any way (accepted, a duplicate, overlapping counted time, outside the
// horizon, or rejected for its content: FleetState::SettleRejected); the agent's
// `uncommitted_from` lets the watermark pass sequences the agent no longer
// holds (committed before, or dropped from a full spool), so a gap it will
// never fill does not hold the watermark back.
//
//   CommitTracker commits;
//   commits.Processed(report.session_id(), report.sequence(), report.uncommitted_from(),
//                     report.window_end_ms());
//   for (const v1::SessionCommit& s : commits.Commits()) ...
#ifndef FTEL_AGGREGATOR_STATE_COMMIT_TRACKER_H_
#define FTEL_AGGREGATOR_STATE_COMMIT_TRACKER_H_

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/commit.pb.h"

namespace ftel {

// Not thread-safe; part of a node's record in FleetState.
class CommitTracker {
 public:
  // Sessions kept per node; the least recently active goes first.
  static constexpr size_t kMaxSessions = 8;

  // Notes one processed report. Returns whether the watermark (or what waits
  // above it) changed.
  bool Processed(uint64_t session_id, uint64_t sequence, uint64_t uncommitted_from,
                 int64_t window_end_ms);

  // The watermark of every tracked session, most recently active first.
  std::vector<v1::SessionCommit> Commits() const;

  void SaveTo(v1::NodeSnapshot* snapshot) const;
  void RestoreFrom(const v1::NodeSnapshot& snapshot);

 private:
  struct Session {
    uint64_t through = 0;
    std::set<uint64_t> above;
    int64_t newest_window_end_ms = 0;
  };
  // Moves `through` up over the applied sequences that now follow it.
  static void Close(Session* session);

  std::map<uint64_t, Session> sessions_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_COMMIT_TRACKER_H_
