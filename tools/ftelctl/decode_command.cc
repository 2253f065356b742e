// ftelctl decode: every message on an ftel topic as one JSON line:
//   {"topic":"...","retained":true,"type":"ftel.v1.NodeStatus","payload":{...}}
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

// The JSON line for one message; payloads that do not decode are described,
// not dropped, so that bad input is visible.
std::string DecodeLine(const MqttMessage& message) {
  const std::string head = absl::StrCat("{\"topic\":", JsonQuote(message.topic),
                                        ",\"retained\":", message.retained ? "true" : "false");
  std::optional<NodeTopic> node = TopicScheme(RootOf(message.topic)).ParseNodeTopic(message.topic);
  if (node.has_value()) {
    std::unique_ptr<google::protobuf::Message> decoded;
    if (node->kind == NodeTopicKind::kReport) {
      decoded = std::make_unique<v1::Report>();
    } else {
      decoded = std::make_unique<v1::NodeStatus>();
    }
    const std::string type = decoded->GetDescriptor()->full_name();
    if (message.payload.empty()) {
      return absl::StrCat(head, ",\"type\":\"", type, "\",\"payload\":null}");
    }
    if (!decoded->ParseFromString(message.payload)) {
      return absl::StrCat(head, ",\"type\":\"", type,
                          "\",\"error\":\"undecodable\",\"bytes\":", message.payload.size(), "}");
    }
    return absl::StrCat(head, ",\"type\":\"", type, "\",\"payload\":", ToJson(*decoded), "}");
  }
  if (message.topic.find("/v1/rates-pb/") != std::string::npos) {
    std::unique_ptr<google::protobuf::Message> decoded;
    if (message.topic.find("/rates-pb/factory/") != std::string::npos) {
      decoded = std::make_unique<v1::FactorySummary>();
    } else {
      decoded = std::make_unique<v1::GroupSummary>();
    }
    const std::string type = decoded->GetDescriptor()->full_name();
    if (message.payload.empty() || !decoded->ParseFromString(message.payload)) {
      return absl::StrCat(head, ",\"type\":\"", type,
                          "\",\"error\":\"undecodable\",\"bytes\":", message.payload.size(), "}");
    }
    return absl::StrCat(head, ",\"type\":\"", type, "\",\"payload\":", ToJson(*decoded), "}");
  }
  if (message.topic.find("/v1/history/") != std::string::npos) {
    return absl::StrCat(head, ",\"type\":\"ftel.v1.History\",\"payload\":",
                        message.payload.empty() ? "null" : message.payload, "}");
  }
  if (message.topic.find("/v1/rates/") != std::string::npos) {
    const char* type = message.topic.find("/rates/factory/") != std::string::npos
                           ? "ftel.v1.FactorySummary"
                           : "ftel.v1.GroupSummary";
    return absl::StrCat(head, ",\"type\":\"", type,
                        "\",\"payload\":", message.payload.empty() ? "null" : message.payload, "}");
  }
  return absl::StrCat(head, ",\"type\":null,\"payload\":", JsonQuote(message.payload), "}");
}

}  // namespace

int RunDecode(const CommandLine& args) {
  ShutdownSignal& stop = ShutdownSignal::Install();
  uint64_t count = 0;
  double timeout_s = 0;
  if (!absl::SimpleAtoi(args.Get("count", "0"), &count) ||
      !absl::SimpleAtod(args.Get("timeout-s", "0"), &timeout_s)) {
    std::fputs("ftelctl decode: --count and --timeout-s take numbers\n", stderr);
    return 2;
  }
  Subscription subscription;
  absl::Status started =
      subscription.Start(args.Get("broker", "tcp://127.0.0.1:1883"), {args.Get("topic", "ftel/#")});
  if (!started.ok()) {
    std::fprintf(stderr, "ftelctl decode: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  const absl::Time deadline =
      timeout_s > 0 ? absl::Now() + absl::Seconds(timeout_s) : absl::InfiniteFuture();
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
