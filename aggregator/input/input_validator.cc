#include "aggregator/input/input_validator.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ftel {
namespace {

constexpr uint32_t kSchemaVersion = 1;
constexpr int64_t kMaxWindowMs = 7LL * 24 * 3600 * 1000;
// 2020-01-01T00:00:00Z: an earlier window comes from a box whose clock was
// never set (no RTC, no NTP yet), not from the past.
constexpr int64_t kEarliestPlausibleMs = 1577836800000LL;
// Physical bounds, far above any real factory and far below where sums
// overflow or lose their precision.
constexpr double kMaxQuantityPerWindow = 1e9;
// An agent says briefly why it could not read a figure.
constexpr size_t kMaxUnknownReasonBytes = 256;
// A year, as the agent config allows.
constexpr uint32_t kMaxEvidenceHorizonS = 31536000;
constexpr double kMaxEnergyKwhPerWindow = 1e9;
constexpr double kMaxRunTimePerUnitS = 365.0 * 24 * 3600;
constexpr uint32_t kMaxInventoryCount = 10000000;
// Rounding slack when a time element is compared with its window.
constexpr double kWindowSlackS = 0.001;

bool Fail(ValidationResult* result, Rejection reason, std::string detail) {
  result->kind = ValidationResult::Kind::kRejected;
  result->rejection = reason;
  result->detail = std::move(detail);
  return false;
}

// What every node message must be: decodable as the topic promises, of
// schema version 1, and about the node its topic names.
template <typename NodeMessage>
bool DecodeNodeMessage(const std::string& payload, const NodeTopic& topic, const char* type,
                       NodeMessage* decoded, ValidationResult* result) {
  if (!decoded->ParseFromString(payload)) {
    return Fail(result, Rejection::kUndecodable, absl::StrCat("not a ", type));
  }
  if (decoded->schema_version() != kSchemaVersion) {
    return Fail(result, Rejection::kSchemaVersion,
                absl::StrCat("schema_version ", decoded->schema_version()));
  }
  if (decoded->identity().factory_id() != topic.factory_id ||
      decoded->identity().node_id() != topic.node_id) {
    return Fail(result, Rejection::kIdentityMismatch,
                absl::StrCat("payload names ", decoded->identity().factory_id(), "/",
                             decoded->identity().node_id()));
  }
  return true;
}

bool BadNumber(double value) { return !std::isfinite(value) || value < 0; }

}  // namespace

const char* RejectionName(Rejection reason) {
  switch (reason) {
    case Rejection::kTooLarge:
      return "too_large";
    case Rejection::kUnknownTopic:
      return "unknown_topic";
    case Rejection::kUndecodable:
      return "undecodable";
    case Rejection::kSchemaVersion:
      return "schema_version";
    case Rejection::kIdentityMismatch:
      return "identity_mismatch";
    case Rejection::kBadWindow:
      return "bad_window";
    case Rejection::kClockSkew:
      return "clock_skew";
    case Rejection::kNegativeValue:
      return "negative_value";
    case Rejection::kInconsistentCounts:
      return "inconsistent_counts";
    case Rejection::kUnknownScenario:
      return "unknown_scenario";
    case Rejection::kImplausibleValue:
      return "implausible_value";
    case Rejection::kBadStatus:
      return "bad_status";
  }
  return "unknown";
}

Rejection RejectionByIndex(int index) { return static_cast<Rejection>(index); }

void InputValidator::Validate(const MqttMessage& message, int64_t now_ms,
                              ValidationResult* result) const {
  // The decoded messages keep their storage for the next message: a report
  // parsed into last time's allocations costs no malloc per field.
  result->kind = ValidationResult::Kind::kRejected;
  result->rejection = Rejection::kUndecodable;
  result->detail.clear();
  result->settles = false;
  // A peer's delta carries a whole batch of nodes, each with its newest
  // report: max_payload_bytes, a bound for one agent's message, is not its.
  if (!cluster_member_id_.empty()) {
    if (std::optional<std::string> member = topics_.ParseClusterDeltaTopic(message.topic)) {
      ValidateClusterDelta(message, *member, result);
      return;
    }
  }
  if (message.payload.size() > limits_.max_payload_bytes) {
    Fail(result, Rejection::kTooLarge,
         absl::StrCat(message.payload.size(), " bytes > ", limits_.max_payload_bytes));
    return;
  }
  const std::optional<NodeTopic> topic = topics_.ParseNodeTopic(message.topic);
  if (!topic.has_value()) {
    Fail(result, Rejection::kUnknownTopic, "not an ftel node topic");
    return;
  }
  if (topic->kind == NodeTopicKind::kStatus) {
    // An empty retained payload clears a status; there is nothing to apply.
    if (message.payload.empty()) {
      result->kind = ValidationResult::Kind::kStatusCleared;
      return;
    }
    v1::NodeStatus& status = result->status;
    if (!DecodeNodeMessage(message.payload, *topic, "ftel.v1.NodeStatus", &status, result)) {
      return;
    }
    // Bounded like a report's window: a status from the far future would
    // pin the node's state, which follows the newest started_at.
    if (status.started_at_ms() < kEarliestPlausibleMs ||
        status.started_at_ms() > now_ms + limits_.max_clock_skew_ms) {
      Fail(result, Rejection::kClockSkew,
           absl::StrCat("status started_at_ms ", status.started_at_ms(),
                        " is before 2020 or beyond max_clock_skew_s after the "
                        "aggregator's now"));
      return;
    }
    if (status.state() != v1::NodeStatus::ONLINE && status.state() != v1::NodeStatus::OFFLINE) {
      Fail(result, Rejection::kBadStatus, "state is neither ONLINE nor OFFLINE");
      return;
    }
    result->kind = ValidationResult::Kind::kStatus;
    return;
  }
  v1::Report& report = result->report;
  if (!DecodeNodeMessage(message.payload, *topic, "ftel.v1.Report", &report, result)) return;
  if (!CheckReport(report, now_ms, result)) {
    result->settles = true;
    return;
  }
  result->kind = ValidationResult::Kind::kReport;
}

void InputValidator::ValidateClusterDelta(const MqttMessage& message, const std::string& member_id,
                                          ValidationResult* result) const {
  if (member_id == cluster_member_id_) {
    result->kind = ValidationResult::Kind::kOwnClusterDelta;
    return;
  }
  if (!result->delta.ParseFromString(message.payload)) {
    Fail(result, Rejection::kUndecodable, "not a ftel.v1.ClusterDelta");
    return;
  }
  // A peer's ids end up in result topics: its delta is held to the rule an
  // agent's reports are, and rejected whole.
  for (const v1::NodeSnapshot& node : result->delta.nodes()) {
    if (!IsValidId(node.identity().factory_id()) || !IsValidId(node.identity().node_id())) {
      Fail(result, Rejection::kUndecodable,
           absl::StrCat("cluster delta names an invalid node '", node.identity().factory_id(), "/",
                        node.identity().node_id(), "'"));
      return;
    }
  }
  result->kind = ValidationResult::Kind::kClusterDelta;
}

bool InputValidator::CheckReport(const v1::Report& report, int64_t now_ms,
                                 ValidationResult* result) const {
  const int64_t start = report.window_start_ms();
  const int64_t end = report.window_end_ms();
  // Unsigned: the length of a window from a wild start must not overflow.
  if (end <= start ||
      static_cast<uint64_t>(end) - static_cast<uint64_t>(start) > uint64_t{kMaxWindowMs}) {
    return Fail(result, Rejection::kBadWindow,
                absl::StrCat("window [", start, ", ", end, ") is empty or longer than 7 days"));
  }
  if (start < kEarliestPlausibleMs) {
    return Fail(
        result, Rejection::kClockSkew,
        absl::StrCat("window starts at ", start, ", before 2020: the box's clock is not set"));
  }
  if (end > now_ms + limits_.max_clock_skew_ms) {
    return Fail(
        result, Rejection::kClockSkew,
        absl::StrCat("window ends at ", end, ", ", end - now_ms, " ms after the aggregator's now"));
  }
  // Where the first scenario (in report order) whose id came before is:
  // found by one sort of (custom?, id, index) rather than a set of strings.
  // Custom and catalogue ids are apart.
  std::vector<std::tuple<bool, absl::string_view, int>> keyed;
  keyed.reserve(report.scenarios_size());
  for (int i = 0; i < report.scenarios_size(); ++i) {
    const v1::ScenarioCoverage& s = report.scenarios(i);
    keyed.emplace_back(s.has_custom_id(), s.has_custom_id() ? s.custom_id() : s.catalogue_id(), i);
  }
  std::sort(keyed.begin(), keyed.end());
  int first_repeat = report.scenarios_size();
  for (size_t k = 1; k < keyed.size(); ++k) {
    const auto& [custom, id, index] = keyed[k];
    if (custom == std::get<0>(keyed[k - 1]) && id == std::get<1>(keyed[k - 1])) {
      first_repeat = std::min(first_repeat, index);
    }
  }
  for (int i = 0; i < report.scenarios_size(); ++i) {
    const v1::ScenarioCoverage& s = report.scenarios(i);
    const std::string& id = s.has_custom_id() ? s.custom_id() : s.catalogue_id();
    if (id.empty() || i == first_repeat) {
      return Fail(result, Rejection::kInconsistentCounts,
                  absl::StrCat("scenario id '", id, "' is empty or repeated"));
    }
    if (s.ai_declared() && !s.built()) {
      return Fail(result, Rejection::kInconsistentCounts,
                  absl::StrCat("scenario ", id, " declares AI but is not built"));
    }
    if (s.evidence().unknown_reason().size() > kMaxUnknownReasonBytes ||
        s.evidence_horizon_s() > kMaxEvidenceHorizonS) {
      return Fail(
          result, Rejection::kImplausibleValue,
          absl::StrCat("scenario ", id, " has an unknown_reason above ", kMaxUnknownReasonBytes,
                       " bytes or an evidence horizon above ", kMaxEvidenceHorizonS, " s"));
    }
    if (s.has_custom_id()) {
      if (catalogue_->FindLink(s.link()) == nullptr) {
        return Fail(result, Rejection::kUnknownScenario,
                    absl::StrCat("custom scenario ", id, " has unknown link '", s.link(), "'"));
      }
      continue;
    }
    const CatalogueScenario* known = catalogue_->Find(id);
    if (known == nullptr || known->link_id != s.link()) {
      return Fail(result, Rejection::kUnknownScenario,
                  absl::StrCat("scenario ", id, " with link '", s.link(),
                               "' is not in the catalogue ", catalogue_->version()));
    }
  }
  const v1::InventoryCounts& inv = report.inventory();
  for (uint32_t count : {inv.terminals(), inv.key_equipment(), inv.industrial_software(),
                         inv.vertical_models(), inv.industrial_agents()}) {
    if (count > kMaxInventoryCount) {
      return Fail(result, Rejection::kImplausibleValue,
                  absl::StrCat("an inventory count of ", count, " is above ", kMaxInventoryCount));
    }
  }
  if (inv.ai_capable_terminals() > inv.terminals() ||
      inv.ai_enabled_key_equipment() > inv.key_equipment()) {
    return Fail(result, Rejection::kInconsistentCounts,
                "more AI-capable terminals or AI-enabled equipment than there are");
  }
  for (const v1::WorkUnitElements& e : report.work_units()) {
    if (e.unknown_reason().size() > kMaxUnknownReasonBytes) {
      return Fail(result, Rejection::kImplausibleValue,
                  absl::StrCat("work unit ", e.work_unit_id(), " has an unknown_reason above ",
                               kMaxUnknownReasonBytes, " bytes"));
    }
    for (double value :
         {e.planned_busy_time_s(), e.actual_production_time_s(), e.planned_run_time_per_unit_s(),
          e.time_between_failures_s(), e.time_to_restoration_s(), e.energy_kwh()}) {
      if (BadNumber(value)) {
        return Fail(result, Rejection::kNegativeValue,
                    absl::StrCat("work unit ", e.work_unit_id(),
                                 " has a negative or non-finite time or energy"));
      }
    }
    if (e.actual_production_time_s() > e.planned_busy_time_s() ||
        e.good_quantity() > e.produced_quantity() || e.scrap_quantity() > e.produced_quantity() ||
        e.rework_quantity() > e.produced_quantity() ||
        e.good_parts_first_pass() > e.inspected_parts()) {
      return Fail(result, Rejection::kInconsistentCounts,
                  absl::StrCat("work unit ", e.work_unit_id(),
                               ": APT > PBT, or good/scrap/rework > produced, or GP > IP"));
    }
    const double window_s = static_cast<double>(end - start) / 1000.0 + kWindowSlackS;
    for (double seconds : {e.planned_busy_time_s(), e.actual_production_time_s(),
                           e.time_between_failures_s(), e.time_to_restoration_s()}) {
      if (seconds > window_s) {
        return Fail(result, Rejection::kImplausibleValue,
                    absl::StrCat("work unit ", e.work_unit_id(), " has ", seconds,
                                 " s of a time element in a window of ", window_s, " s"));
      }
    }
    if (static_cast<double>(e.produced_quantity()) > kMaxQuantityPerWindow ||
        static_cast<double>(e.inspected_parts()) > kMaxQuantityPerWindow ||
        static_cast<double>(e.failure_events()) > kMaxQuantityPerWindow ||
        e.energy_kwh() > kMaxEnergyKwhPerWindow ||
        e.planned_run_time_per_unit_s() > kMaxRunTimePerUnitS) {
      return Fail(result, Rejection::kImplausibleValue,
                  absl::StrCat("work unit ", e.work_unit_id(), " has a quantity above ",
                               kMaxQuantityPerWindow, ", energy above ", kMaxEnergyKwhPerWindow,
                               " kWh or a run time per unit above a year"));
    }
  }
  return true;
}

}  // namespace ftel
