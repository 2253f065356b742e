// The simulated inference server's Prometheus text exposition: Triton's
// `nv_inference_count{model,version}` (with `nv_inference_request_success`)
// and vLLM's `vllm:request_success_total{model_name}`, one series per model
// of that family, as counters since the simulator started.
#ifndef FTEL_TOOLS_PLANT_SIM_METRICS_PAGE_H_
#define FTEL_TOOLS_PLANT_SIM_METRICS_PAGE_H_

#include <string>
#include <vector>

#include "tools/plant_sim/line_model.h"

namespace ftel::plant_sim {

// The exposition (text format 0.0.4) of the models' counters.
std::string MetricsPage(const std::vector<ModelState>& models);

}  // namespace ftel::plant_sim

#endif  // FTEL_TOOLS_PLANT_SIM_METRICS_PAGE_H_
