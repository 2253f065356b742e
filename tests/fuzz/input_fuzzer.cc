// libFuzzer target for the aggregator's input path: decode and validate
// (InputValidator: reports, statuses and peers' cluster deltas), apply to
// the fleet state, and now and then compute and
// render every result. It must never crash, hang or leak, whatever arrives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "aggregator/engine/penetration_engine.h"
#include "aggregator/input/input_validator.h"
#include "aggregator/state/fleet_state.h"
#include "libftel/schema/proto_json.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

constexpr int64_t kNow = 1800000000000;  // 2027-01-15

const ftel::ScenarioCatalogue& Catalogue() {
  static const ftel::ScenarioCatalogue* catalogue = [] {
    auto loaded = ftel::ScenarioCatalogue::Load(FTEL_SOURCE_DIR "/config/scenario-catalogue.tsv");
    if (!loaded.ok()) __builtin_trap();
    return new ftel::ScenarioCatalogue(*std::move(loaded));
  }();
  return *catalogue;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A member of a shared-subscription group, so that peers' cluster deltas
  // are input too.
  static const ftel::InputValidator validator("ftel", &Catalogue(),
                                              ftel::ValidationLimits{262144, 300000}, "me");
  static auto state = std::make_unique<ftel::FleetState>(3600000);
  static uint64_t inputs = 0;
  // Kept from input to input, as the service keeps it: nothing of an
  // earlier message may leak into the next one's outcome, which must be
  // what a fresh result gets.
  static ftel::ValidationResult result;
  const ftel::MqttMessage message = ftel::FuzzMessage(data, size);
  validator.Validate(message, kNow, &result);
  ftel::ValidationResult fresh;
  validator.Validate(message, kNow, &fresh);
  const bool report = result.kind == ftel::ValidationResult::Kind::kReport || result.settles;
  if (result.kind != fresh.kind || result.rejection != fresh.rejection ||
      result.settles != fresh.settles || result.detail != fresh.detail ||
      (report && result.report.SerializeAsString() != fresh.report.SerializeAsString()) ||
      (result.kind == ftel::ValidationResult::Kind::kStatus &&
       result.status.SerializeAsString() != fresh.status.SerializeAsString()) ||
      (result.kind == ftel::ValidationResult::Kind::kClusterDelta &&
       result.delta.SerializeAsString() != fresh.delta.SerializeAsString())) {
    std::abort();  // the reused result kept something of an earlier input
  }
  switch (result.kind) {
    case ftel::ValidationResult::Kind::kReport:
      state->ApplyReport(result.report);
      break;
    case ftel::ValidationResult::Kind::kStatus:
      state->ApplyStatus(result.status);
      break;
    case ftel::ValidationResult::Kind::kRejected:
      if (result.settles) state->SettleRejected(result.report);
      break;
    case ftel::ValidationResult::Kind::kClusterDelta:
      for (const auto& node : result.delta.nodes()) state->MergeDelta(node);
      break;
    default:
      break;
  }
  if (++inputs % 64 == 0) {
    const ftel::FleetResults results = ftel::ComputeResults(*state, Catalogue(), kNow, 300000);
    for (const auto& factory : results.factories) (void)ftel::ToJson(*factory);
    (void)ftel::ToJson(results.fleet);
  }
  // Keep the state bounded, as the horizon does in the service.
  if (inputs % 4096 == 0) state = std::make_unique<ftel::FleetState>(3600000);
  return 0;
}
