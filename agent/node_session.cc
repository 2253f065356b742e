#include "agent/node_session.h"

#include <algorithm>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::StatusOr<uint64_t> LoadOrCreateSessionId(Env* env, const std::string& dir,
                                               const std::function<uint64_t()>& new_id) {
  const std::string path = absl::StrCat(dir, "/session");
  if (env->FileExists(path)) {
    ASSIGN_OR_RETURN(std::string text, env->ReadAt(path, 0, 64));
    uint64_t id = 0;
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(text), &id) || id == 0) {
      return absl::DataLossError(absl::StrCat(path, ": not a session id: '", text, "'"));
    }
    return id;
  }
  return StartNewSession(env, dir, new_id);
}

absl::StatusOr<uint64_t> StartNewSession(Env* env, const std::string& dir,
                                         const std::function<uint64_t()>& new_id) {
  RETURN_IF_ERROR(env->CreateDirs(dir));
  uint64_t id = 0;
  while (id == 0) id = new_id();
  RETURN_IF_ERROR(env->WriteFileAtomically(absl::StrCat(dir, "/session"),
                                           absl::StrCat(absl::Hex(id, absl::kZeroPad16), "\n")));
  return id;
}

absl::StatusOr<std::vector<SessionStart>> LoadSessionStarts(Env* env, const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/sessions");
  std::vector<SessionStart> starts;
  if (!env->FileExists(path)) return starts;
  constexpr uint64_t kMaxBytes = 4096;  // kMaxSessionStarts lines, with room
  ASSIGN_OR_RETURN(const uint64_t size, env->FileSize(path));
  if (size > kMaxBytes) {
    return absl::DataLossError(absl::StrCat(path, ": ", size, " bytes, more than a sessions file ",
                                            "holds (", kMaxBytes, ")"));
  }
  ASSIGN_OR_RETURN(std::string text, env->ReadAt(path, 0, kMaxBytes));
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_number, ": ");
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    SessionStart start;
    if (fields.size() != 2 || !absl::SimpleHexAtoi(fields[0], &start.session_id) ||
        !absl::SimpleAtoi(fields[1], &start.first_sequence)) {
      return absl::DataLossError(
          absl::StrCat(where, "not 'SESSION_HEX FIRST_SEQUENCE': '", line, "'"));
    }
    if (start.session_id == 0 || start.first_sequence == 0) {
      return absl::DataLossError(
          absl::StrCat(where, "a session id and a first sequence are never 0: '", line, "'"));
    }
    if (!starts.empty() && start.first_sequence < starts.back().first_sequence) {
      return absl::DataLossError(absl::StrCat(where, "first sequence ", start.first_sequence,
                                              " is before the previous line's ",
                                              starts.back().first_sequence));
    }
    starts.push_back(start);
  }
  return starts;
}

absl::StatusOr<std::vector<SessionStart>> RecordSessionStart(Env* env, const std::string& dir,
                                                             uint64_t session_id,
                                                             uint64_t first_sequence) {
  ASSIGN_OR_RETURN(std::vector<SessionStart> starts, LoadSessionStarts(env, dir));
  if (!starts.empty() && starts.back().session_id == session_id) return starts;
  // The first session recorded owns the whole spool (a new state directory,
  // or one from before commits); a later one never starts before the last
  // (a crash between writing `session` and `sessions` must not leave the
  // file out of order, which would stop every later start).
  first_sequence = starts.empty() ? 1 : std::max(first_sequence, starts.back().first_sequence);
  starts.push_back(SessionStart{session_id, first_sequence});
  if (starts.size() > kMaxSessionStarts) {
    starts.erase(starts.begin(), starts.end() - kMaxSessionStarts);
  }
  std::string text;
  for (const SessionStart& start : starts) {
    absl::StrAppend(&text, absl::Hex(start.session_id, absl::kZeroPad16), " ", start.first_sequence,
                    "\n");
  }
  RETURN_IF_ERROR(env->WriteFileAtomically(absl::StrCat(dir, "/sessions"), text));
  return starts;
}

namespace {

// The last spool id of session `i`: up to the next session's first.
uint64_t SessionEnd(const std::vector<SessionStart>& starts, size_t i) {
  return i + 1 == starts.size() ? UINT64_MAX : starts[i + 1].first_sequence - 1;
}

}  // namespace

uint64_t SpoolWatermarkFromCommits(const std::vector<SessionStart>& starts,
                                   const std::map<uint64_t, uint64_t>& commits,
                                   uint64_t held_from) {
  if (starts.empty()) return 0;
  uint64_t watermark = starts.front().first_sequence - 1;
  for (size_t i = 0; i < starts.size(); ++i) {
    auto found = commits.find(starts[i].session_id);
    const uint64_t through = found == commits.end() ? 0 : found->second;
    const bool last = i + 1 == starts.size();
    const uint64_t session_end = SessionEnd(starts, i);
    if (session_end < starts[i].first_sequence) continue;  // a session with no report
    if (!last && session_end < held_from) {
      watermark = session_end;  // nothing of it left in the spool
      continue;
    }
    if (through < starts[i].first_sequence) return watermark;  // nothing of it yet
    watermark = std::min(through, session_end);
    if (watermark < session_end) return watermark;  // not to its end: later ones wait
  }
  return watermark;
}

bool CommitsShowAGap(const std::vector<SessionStart>& starts,
                     const std::map<uint64_t, uint64_t>& commits,
                     const std::map<uint64_t, uint64_t>& applied_above, uint64_t held_from) {
  for (size_t i = 0; i < starts.size(); ++i) {
    if (SessionEnd(starts, i) < held_from) continue;  // nothing of it held any more
    auto through = commits.find(starts[i].session_id);
    auto above = applied_above.find(starts[i].session_id);
    if (through != commits.end() && above != applied_above.end() &&
        above->second > through->second) {
      return true;
    }
  }
  return false;
}

uint64_t NewRandomId() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace ftel
