#include "agent/config_reload.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::Status CheckReloadable(const LoadedAgentConfig& running, const LoadedAgentConfig& next) {
  using google::protobuf::util::MessageDifferencer;
  const v1::AgentConfig& a = running.config;
  const v1::AgentConfig& b = next.config;
  std::vector<std::string> changed;
  // Each names what the running agent was built around: the topics and the
  // spool's identity, the broker session, the spool's files, the clock hold.
  if (!MessageDifferencer::Equals(a.identity(), b.identity())) changed.push_back("identity");
  if (a.topic_root() != b.topic_root()) changed.push_back("topic_root");
  if (!MessageDifferencer::Equals(a.broker(), b.broker())) changed.push_back("broker");
  if (!MessageDifferencer::Equals(a.spool(), b.spool())) changed.push_back("spool");
  if (!MessageDifferencer::Equals(a.clock(), b.clock())) changed.push_back("clock");
  if (changed.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      next.path, ": ", absl::StrJoin(changed, ", "),
      ": change only with a restart (systemctl restart ftel-agent); nothing was reloaded"));
}

absl::StatusOr<AgentReload> PrepareAgentReload(const LoadedAgentConfig& running) {
  ASSIGN_OR_RETURN(LoadedAgentConfig read, LoadAgentConfig(running.path));
  AgentReload next;
  next.loaded = std::make_unique<LoadedAgentConfig>(std::move(read));
  RETURN_IF_ERROR(CheckReloadable(running, *next.loaded));
  ASSIGN_OR_RETURN(next.sampler, Sampler::Create(*next.loaded));
  RETURN_IF_ERROR(CheckReportFitsSpool(*next.loaded, *next.sampler));
  return next;
}

}  // namespace ftel
