// The agent's session id: random once, then kept in the state directory so
// that (node, session, sequence) names a report exactly once across restarts.
//
//   ASSIGN_OR_RETURN(uint64_t session, LoadOrCreateSessionId(env, dir, NewRandomId));
#ifndef FTEL_AGENT_NODE_SESSION_H_
#define FTEL_AGENT_NODE_SESSION_H_

#include <cstdint>
#include <functional>
#include <string>

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

}  // namespace ftel

#endif  // FTEL_AGENT_NODE_SESSION_H_
