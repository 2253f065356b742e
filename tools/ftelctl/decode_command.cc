// ftelctl decode: every message on an ftel topic as one JSON line:
//   {"topic":"...","retained":true,"type":"ftel.v1.NodeStatus","payload":{...}}
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/commit.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/schema/proto_json.h"
#include "tools/ftelctl/commands.h"
#include "tools/ftelctl/subscription.h"

namespace ftel {
namespace {

std::string RootOf(const std::string& topic) { return topic.substr(0, topic.find('/')); }

// The line for a binary protobuf payload: null when empty (a cleared
// retained topic), described when it does not decode.
std::string BinaryLine(const std::string& head, std::unique_ptr<google::protobuf::Message> decoded,
                       const std::string& payload) {
  const std::string type =
      absl::StrCat(",\"type\":\"", decoded->GetDescriptor()->full_name(), "\"");
  if (payload.empty()) return absl::StrCat(head, type, ",\"payload\":null}");
  if (!decoded->ParseFromString(payload)) {
    return absl::StrCat(head, type, ",\"error\":\"undecodable\",\"bytes\":", payload.size(), "}");
  }
  return absl::StrCat(head, type, ",\"payload\":", ToJson(*decoded), "}");
}

// The JSON line for one message; payloads that do not decode are described,
// not dropped, so that bad input is visible.
std::string DecodeLine(const MqttMessage& message) {
  const std::string head = absl::StrCat("{\"topic\":", JsonQuote(message.topic),
                                        ",\"retained\":", message.retained ? "true" : "false");
  const std::string& topic = message.topic;
  if (std::optional<NodeTopic> node = TopicScheme(RootOf(topic)).ParseNodeTopic(topic)) {
    if (node->kind == NodeTopicKind::kReport) {
      return BinaryLine(head, std::make_unique<v1::Report>(), message.payload);
    }
    return BinaryLine(head, std::make_unique<v1::NodeStatus>(), message.payload);
  }
  if (topic.find("/v1/rates-pb/factory/") != std::string::npos) {
    return BinaryLine(head, std::make_unique<v1::FactorySummary>(), message.payload);
  }
  if (topic.find("/v1/rates-pb/") != std::string::npos) {
    return BinaryLine(head, std::make_unique<v1::GroupSummary>(), message.payload);
  }
  if (topic.find("/v1/commit/") != std::string::npos) {
    return BinaryLine(head, std::make_unique<v1::NodeCommit>(), message.payload);
  }
  if (topic.find("/v1/cluster/") != std::string::npos) {
    return BinaryLine(head, std::make_unique<v1::ClusterDelta>(), message.payload);
  }
  // The JSON topics carry their message already.
  const char* json_type = nullptr;
  if (topic.find("/v1/history/") != std::string::npos) json_type = "ftel.v1.History";
  if (topic.find("/v1/rates/") != std::string::npos) {
    json_type = topic.find("/rates/factory/") != std::string::npos ? "ftel.v1.FactorySummary"
                                                                   : "ftel.v1.GroupSummary";
  }
  if (json_type != nullptr) {
    return absl::StrCat(head, ",\"type\":\"", json_type,
                        "\",\"payload\":", message.payload.empty() ? "null" : message.payload, "}");
  }
  return absl::StrCat(head, ",\"type\":null,\"payload\":", JsonQuote(message.payload), "}");
}

}  // namespace

int RunDecode(const DecodeArgs& args) {
  ShutdownSignal& stop = ShutdownSignal::Install();
  const uint64_t count = args.count;
  Subscription subscription;
  if (absl::Status started = subscription.Start(args.broker, {args.topic}); !started.ok()) {
    return ReportStartFailure("decode", started);
  }
  const absl::Time deadline =
      args.timeout_s > 0 ? absl::Now() + absl::Seconds(args.timeout_s) : absl::InfiniteFuture();
  uint64_t printed = 0;
  while (!stop.requested() && absl::Now() < deadline && (count == 0 || printed < count)) {
    std::optional<MqttMessage> message = subscription.Next(absl::Milliseconds(200));
    if (!message.has_value()) continue;
    std::printf("%s\n", DecodeLine(*message).c_str());
    std::fflush(stdout);
    ++printed;
  }
  return count == 0 || printed >= count ? 0 : 1;
}

}  // namespace ftel
