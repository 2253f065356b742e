#include "aggregator/config_reload.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::StatusOr<LoadedAggregatorConfig> PrepareAggregatorReload(
    const LoadedAggregatorConfig& running) {
  ASSIGN_OR_RETURN(LoadedAggregatorConfig next, LoadAggregatorConfig(running.path));
  const v1::AggregatorConfig& a = running.config;
  const v1::AggregatorConfig& b = next.config;
  std::vector<std::string> changed;
  if (!google::protobuf::util::MessageDifferencer::Equals(a.broker(), b.broker())) {
    changed.push_back("broker");
  }
  if (a.topic_root() != b.topic_root()) changed.push_back("topic_root");
  if (a.state_file() != b.state_file()) changed.push_back("state_file");
  if (a.http_listen() != b.http_listen()) changed.push_back("http_listen");
  if (a.shared_group() != b.shared_group()) changed.push_back("shared_group");
  if (a.member_id() != b.member_id()) changed.push_back("member_id");
  if (!changed.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(next.path, ": ", absl::StrJoin(changed, ", "),
                     ": change only with a restart (systemctl restart ftel-aggregator); "
                     "nothing was reloaded"));
  }
  return next;
}

}  // namespace ftel
