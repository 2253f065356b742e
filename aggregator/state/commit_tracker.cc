#include "aggregator/state/commit_tracker.h"

#include <algorithm>

namespace ftel {

void CommitTracker::Close(Session* session) {
  auto it = session->above.begin();
  while (it != session->above.end() && *it <= session->through + 1) {
    session->through = std::max(session->through, *it);
    it = session->above.erase(it);
  }
}

bool CommitTracker::Processed(uint64_t session_id, uint64_t sequence, uint64_t uncommitted_from,
                              int64_t window_end_ms) {
  auto found = sessions_.find(session_id);
  if (found == sessions_.end()) {
    if (sessions_.size() >= kMaxSessions) {
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
        return a.second.newest_window_end_ms < b.second.newest_window_end_ms;
      });
      if (oldest->second.newest_window_end_ms > window_end_ms) return false;  // older still
      sessions_.erase(oldest);
    }
    found = sessions_.emplace(session_id, Session{}).first;
  }
  Session& session = found->second;
  const uint64_t through_before = session.through;
  const size_t above_before = session.above.size();
  session.newest_window_end_ms = std::max(session.newest_window_end_ms, window_end_ms);
  // Below uncommitted_from the agent holds nothing more of this session.
  if (uncommitted_from > 0) session.through = std::max(session.through, uncommitted_from - 1);
  if (sequence > session.through) session.above.insert(sequence);
  Close(&session);  // also drops what the agent's word passed
  return session.through != through_before || session.above.size() != above_before;
}

std::vector<v1::SessionCommit> CommitTracker::Commits() const {
  std::vector<std::pair<int64_t, v1::SessionCommit>> ordered;
  for (const auto& [id, session] : sessions_) {
    v1::SessionCommit commit;
    commit.set_session_id(id);
    commit.set_through_sequence(session.through);
    if (!session.above.empty()) commit.set_applied_above(*session.above.rbegin());
    ordered.emplace_back(session.newest_window_end_ms, commit);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<v1::SessionCommit> commits;
  for (auto& [at, commit] : ordered) commits.push_back(std::move(commit));
  return commits;
}

void CommitTracker::SaveTo(v1::NodeSnapshot* snapshot) const {
  for (const auto& [id, session] : sessions_) {
    v1::SessionCommitState* state = snapshot->add_commits();
    state->set_session_id(id);
    state->set_through_sequence(session.through);
    for (uint64_t sequence : session.above) state->add_applied_above(sequence);
    state->set_newest_window_end_ms(session.newest_window_end_ms);
  }
}

void CommitTracker::RestoreFrom(const v1::NodeSnapshot& snapshot) {
  sessions_.clear();
  for (const v1::SessionCommitState& state : snapshot.commits()) {
    Session& session = sessions_[state.session_id()];
    session.through = state.through_sequence();
    session.above.insert(state.applied_above().begin(), state.applied_above().end());
    session.newest_window_end_ms = state.newest_window_end_ms();
    Close(&session);
  }
}

}  // namespace ftel
