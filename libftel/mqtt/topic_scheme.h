// The ftel topic tree (docs/protocol.md). Every topic is built and parsed
// here and nowhere else.
//
//   {root}/v1/node/{factory_id}/{node_id}/report   agent reports, QoS 1
//   {root}/v1/node/{factory_id}/{node_id}/status   retained birth/death, QoS 1
//   {root}/v1/rates/factory/{factory_id}           retained JSON, QoS 1
//   {root}/v1/rates/{link|sector|region}/{key}     retained JSON, QoS 1
//   {root}/v1/rates/fleet                          retained JSON, QoS 1
//   {root}/v1/rates-pb/...                         the same results as protobuf
#ifndef FTEL_LIBFTEL_MQTT_TOPIC_SCHEME_H_
#define FTEL_LIBFTEL_MQTT_TOPIC_SCHEME_H_

#include <optional>
#include <string>

namespace ftel {

enum class NodeTopicKind { kReport, kStatus };

struct NodeTopic {
  std::string factory_id;
  std::string node_id;
  NodeTopicKind kind;
};

class TopicScheme {
 public:
  explicit TopicScheme(std::string root) : root_(std::move(root)) {}

  std::string ReportTopic(const std::string& factory_id, const std::string& node_id) const;
  std::string StatusTopic(const std::string& factory_id, const std::string& node_id) const;
  // Filters matching every node's reports / statuses.
  std::string AllReports() const;
  std::string AllStatuses() const;

  // Result topics; `format` "rates" (JSON) or "rates-pb" (binary protobuf).
  std::string FactoryRatesTopic(const std::string& factory_id,
                                const std::string& format = kJsonRates) const;
  // kind is "link", "sector" or "region".
  std::string GroupRatesTopic(const std::string& kind, const std::string& key,
                              const std::string& format = kJsonRates) const;
  std::string FleetRatesTopic(const std::string& format = kJsonRates) const;
  // Reports for a member of a shared-subscription group.
  std::string SharedReports(const std::string& group) const;
  // {root}/v1/commit/{factory_id}/{node_id}: the aggregator's retained
  // commit of what it durably applied of the node's reports.
  std::string CommitTopic(const std::string& factory_id, const std::string& node_id) const;
  // {root}/v1/cluster/{member_id}/delta, and the filter for all members'.
  std::string ClusterDeltaTopic(const std::string& member_id) const;
  std::string AllClusterDeltas() const;
  // The member id of a cluster delta topic; nullopt if it is not one.
  std::optional<std::string> ParseClusterDeltaTopic(const std::string& topic) const;

  // {root}/v1/history/{kind}/{key}/{granularity}; granularity "hour" or "day".
  std::string HistoryTopic(const std::string& kind, const std::string& key,
                           const std::string& granularity) const;

  static constexpr char kJsonRates[] = "rates";
  static constexpr char kProtobufRates[] = "rates-pb";

  // Parses a node topic under this root; nullopt if it is not one.
  std::optional<NodeTopic> ParseNodeTopic(const std::string& topic) const;

 private:
  std::string root_;
};

// True for ids usable as a topic level: [a-z0-9-]{1,64}, no leading '-'.
bool IsValidId(const std::string& id);

// Turns free text (a sector or region name) into a topic level: lower-case,
// runs of other characters become '-'. Empty text becomes "unknown".
std::string TopicLevelFor(const std::string& text);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_TOPIC_SCHEME_H_
