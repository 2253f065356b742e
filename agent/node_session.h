// The agent's session id: random once, then kept in the state directory so
// that (node, session, sequence) names a report exactly once across restarts;
// and which spool ids each session began at, so that the aggregator's
// per-session commits can be turned into one spool watermark.
//
//   ASSIGN_OR_RETURN(uint64_t session, LoadOrCreateSessionId(env, dir, NewRandomId));
//   ASSIGN_OR_RETURN(std::vector<SessionStart> starts, LoadSessionStarts(env, dir));
//   uint64_t through = SpoolWatermarkFromCommits(starts, commits, held_from);
#ifndef FTEL_AGENT_NODE_SESSION_H_
#define FTEL_AGENT_NODE_SESSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libftel/platform/env.h"

namespace ftel {

// Reads dir/session, or creates it with `new_id()` (never 0). DataLoss if the
// file exists but does not hold an id.
absl::StatusOr<uint64_t> LoadOrCreateSessionId(Env* env, const std::string& dir,
                                               const std::function<uint64_t()>& new_id);

// Replaces dir/session with a fresh id from `new_id()` and returns it.
absl::StatusOr<uint64_t> StartNewSession(Env* env, const std::string& dir,
                                         const std::function<uint64_t()>& new_id);

// A random non-zero 64-bit id from the OS.
uint64_t NewRandomId();

// The spool id a session's first report had. Spool ids grow across
// sessions, so a session's reports are the ids from its first up to the
// next session's first.
struct SessionStart {
  uint64_t session_id = 0;
  uint64_t first_sequence = 1;
};
// Kept per state directory, oldest first.
inline constexpr size_t kMaxSessionStarts = 8;

// Reads dir/sessions; empty if it does not exist (an agent from before
// commits). DataLoss names the line that does not parse.
absl::StatusOr<std::vector<SessionStart>> LoadSessionStarts(Env* env, const std::string& dir);
// `session_id` begins at `first_sequence` (the spool's last id + 1) unless it
// is the newest already; the first session recorded begins at 1, and none
// before the one recorded last. Keeps the newest kMaxSessionStarts and writes
// dir/sessions. Returns them.
absl::StatusOr<std::vector<SessionStart>> RecordSessionStart(Env* env, const std::string& dir,
                                                             uint64_t session_id,
                                                             uint64_t first_sequence);

// The highest spool id such that it and every id below are committed, from
// the aggregator's commits (through_sequence per session): a session's
// commit counts only up to the next session's first id, and an older
// session that is not committed to its end holds back the newer ones,
// unless the spool holds none of its reports any more (every id from
// `held_from`, the spool's first uncommitted id, lies beyond it): an id it
// never held (reserved after a torn write) must not stall the spool.
uint64_t SpoolWatermarkFromCommits(const std::vector<SessionStart>& starts,
                                   const std::map<uint64_t, uint64_t>& commits, uint64_t held_from);

// Whether a commit shows a gap (its applied_above past its through_sequence)
// in a session whose reports the spool still holds (ids from `held_from`
// on): only such a gap can be filled by sending again.
bool CommitsShowAGap(const std::vector<SessionStart>& starts,
                     const std::map<uint64_t, uint64_t>& commits,
                     const std::map<uint64_t, uint64_t>& applied_above, uint64_t held_from);

}  // namespace ftel

#endif  // FTEL_AGENT_NODE_SESSION_H_
