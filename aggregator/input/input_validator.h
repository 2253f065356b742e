// Everything the aggregator checks before a message may touch the fleet state
// (docs/design.md decision 6: bad input is normal input). Pure and stateless, so
// the fuzz target drives exactly the code the service runs.
//
//   InputValidator validator(topics, &catalogue, limits);
//   ValidationResult result = validator.Validate(message, clock.NowMs());
//   if (!result.ok()) Count(result.rejection);
#ifndef FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_
#define FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_

#include <cstdint>
#include <string>

#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// Why an input message was dropped. Every drop is counted by reason.
enum class Rejection {
  kTooLarge,            // payload above max_payload_bytes
  kUnknownTopic,        // not a node report or status topic under our root
  kUndecodable,         // not the protobuf message the topic promises
  kSchemaVersion,       // schema_version other than 1
  kIdentityMismatch,    // factory/node in the payload differ from the topic
  kBadWindow,           // window end not after its start, or longer than 7 days
  kClockSkew,           // window ends in the future (beyond max skew) or before 2020
  kNegativeValue,       // a time or energy element negative or not finite
  kInconsistentCounts,  // good > produced, AI-capable > total, AI on an unbuilt scenario, ...
  kUnknownScenario,     // catalogue id not in the catalogue, or link not its link
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
  enum class Kind { kRejected, kReport, kStatus, kStatusCleared };
  Kind kind = Kind::kRejected;
  Rejection rejection = Rejection::kUndecodable;
  std::string detail;  // for kRejected: what exactly was wrong
  v1::Report report;
  v1::NodeStatus status;

  bool ok() const { return kind != Kind::kRejected; }
};

class InputValidator {
 public:
  // `catalogue` is borrowed and must outlive the validator.
  InputValidator(std::string topic_root, const ScenarioCatalogue* catalogue,
                 ValidationLimits limits)
      : topics_(std::move(topic_root)), catalogue_(catalogue), limits_(limits) {}

  ValidationResult Validate(const MqttMessage& message, int64_t now_ms) const;

 private:
  bool CheckReport(const v1::Report& report, int64_t now_ms, ValidationResult* result) const;

  const TopicScheme topics_;
  const ScenarioCatalogue* catalogue_;
  const ValidationLimits limits_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_INPUT_INPUT_VALIDATOR_H_
