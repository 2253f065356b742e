#include "agent/sources/prometheus/presets.h"

#include <iterator>

namespace ftel {
namespace {

// Sorted by name. The metrics and labels are those each server documents.
constexpr ServerPreset kPresets[] = {
    {"kserve", "request_predict_seconds_count", "model_name"},
    {"ovms", "ovms_requests_success", "name"},
    {"torchserve", "ts_inference_requests_total", "model_name"},
    {"triton", "nv_inference_count", "model"},
    {"vllm", "vllm:request_success_total", "model_name"},
};

}  // namespace

const ServerPreset* FindPreset(const std::string& name) {
  for (const ServerPreset& preset : kPresets) {
    if (name == preset.name) return &preset;
  }
  return nullptr;
}

std::string PresetNames() {
  std::string names;
  for (const ServerPreset& preset : kPresets) {
    if (!names.empty()) names += ", ";
    names += preset.name;
  }
  return names;
}

}  // namespace ftel
