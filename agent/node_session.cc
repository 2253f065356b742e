#include "agent/node_session.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

uint64_t NewRandomId() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace ftel
