// Everything the aggregator checks before a message may touch the fleet state
// (docs/design.md decision 6: bad input is normal input): node reports and
// statuses, and in a shared-subscription group the peers' cluster deltas.
// Pure and stateless, so the fuzz target drives exactly the code the service
// runs. A new validation rule goes here, with a Rejection reason of its own.
//
//   InputValidator validator(topics, &catalogue, limits);
//   ValidationResult result;  // kept: the next message reuses its storage
//   validator.Validate(message, clock.NowMs(), &result);
//   if (!result.ok()) Count(result.rejection);
#ifndef FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_
#define FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_

#include <cstdint>
#include <string>

#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// Why an input message was dropped. Every drop is counted by reason.
enum class Rejection {
  kTooLarge,          // payload above max_payload_bytes
  kUnknownTopic,      // not a node report or status (or, in a group, cluster) topic under our root
  kUndecodable,       // not the protobuf message the topic promises (or a delta naming bad ids)
  kSchemaVersion,     // schema_version other than 1
  kIdentityMismatch,  // factory/node in the payload differ from the topic
  kBadWindow,         // window end not after its start, or longer than 7 days
  kClockSkew,         // window ends in the future (beyond max skew) or before 2020
  kNegativeValue,     // a time or energy element negative or not finite
  kInconsistentCounts,  // good > produced, AI-capable > total, AI on an unbuilt scenario, ...
  kUnknownScenario,     // catalogue id not in the catalogue, or link not its link
  kImplausibleValue,    // a time longer than its window, a quantity or count above its maximum
  kBadStatus,           // a status with no state; keep it last
};
inline constexpr int kRejectionCount = static_cast<int>(Rejection::kBadStatus) + 1;

// Stable snake_case name, used in logs, JSON and metric labels.
const char* RejectionName(Rejection reason);
Rejection RejectionByIndex(int index);

struct ValidationLimits {
  uint32_t max_payload_bytes = 262144;
  int64_t max_clock_skew_ms = 300000;
};

struct ValidationResult {
  enum class Kind {
    kRejected,
    kReport,
    kStatus,
    kStatusCleared,    // an empty retained status: nothing to apply
    kClusterDelta,     // a peer's accepted windows, to merge
    kOwnClusterDelta,  // our own delta coming back: nothing to apply
  };
  Kind kind = Kind::kRejected;
  Rejection rejection = Rejection::kUndecodable;
  std::string detail;  // for kRejected: what exactly was wrong
  // For kRejected: the report decoded and is about the node its topic names,
  // so its (session, sequence) is settled (committed, never counted): the
  // agent sending it again would not make it valid.
  bool settles = false;
  v1::Report report;
  v1::NodeStatus status;
  v1::ClusterDelta delta;

  bool ok() const { return kind != Kind::kRejected; }
};

class InputValidator {
 public:
  // `catalogue` is borrowed and must outlive the validator. A non-empty
  // `cluster_member_id` is this aggregator's id in a shared-subscription
  // group: cluster deltas are then input too; otherwise their topics are
  // unknown.
  InputValidator(std::string topic_root, const ScenarioCatalogue* catalogue,
                 ValidationLimits limits, std::string cluster_member_id = "")
      : topics_(std::move(topic_root)),
        catalogue_(catalogue),
        limits_(limits),
        cluster_member_id_(std::move(cluster_member_id)) {}

  // Fills `result`, whatever it held before (only the members its kind
  // names are meaningful).
  void Validate(const MqttMessage& message, int64_t now_ms, ValidationResult* result) const;

 private:
  bool CheckReport(const v1::Report& report, int64_t now_ms, ValidationResult* result) const;
  void ValidateClusterDelta(const MqttMessage& message, const std::string& member_id,
                            ValidationResult* result) const;

  const TopicScheme topics_;
  const ScenarioCatalogue* catalogue_;
  const ValidationLimits limits_;
  const std::string cluster_member_id_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_
