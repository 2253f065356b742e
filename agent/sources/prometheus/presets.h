// The inference servers the `prometheus` source knows by name: which counter
// counts a model's inferences and which label names the model.
//
//   if (const ServerPreset* p = FindPreset("triton")) {
//     // p->metric == "nv_inference_count", p->model_label == "model"
//   }
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_PRESETS_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_PRESETS_H_

#include <string>

namespace ftel {

struct ServerPreset {
  const char* name;
  const char* metric;
  const char* model_label;
};

// Null for a name that is not a preset.
const ServerPreset* FindPreset(const std::string& name);

// "kserve, ovms, torchserve, triton, vllm": for messages.
std::string PresetNames();

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_PRESETS_H_
