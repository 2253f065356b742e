#include "tools/plant_sim/metrics_page.h"

#include "absl/strings/str_cat.h"

namespace ftel::plant_sim {

std::string MetricsPage(const std::vector<ModelState>& models) {
  std::string triton_count;
  std::string triton_success;
  std::string vllm;
  for (const ModelState& model : models) {
    if (model.family == "triton") {
      absl::StrAppend(&triton_count, "nv_inference_count{model=\"", model.name,
                      "\",version=\"1\"} ", model.count, "\n");
      absl::StrAppend(&triton_success, "nv_inference_request_success{model=\"", model.name,
                      "\",version=\"1\"} ", model.count, "\n");
    } else if (model.family == "vllm") {
      absl::StrAppend(&vllm, "vllm:request_success_total{finished_reason=\"stop\",model_name=\"",
                      model.name, "\"} ", model.count, "\n");
    }
  }
  return absl::StrCat(
      "# HELP nv_inference_request_success Number of successful inference requests, all batch "
      "sizes\n# TYPE nv_inference_request_success counter\n",
      triton_success,
      "# HELP nv_inference_count Number of inferences performed (does not include cached "
      "requests)\n# TYPE nv_inference_count counter\n",
      triton_count,
      "# HELP vllm:request_success_total Count of successfully processed requests.\n"
      "# TYPE vllm:request_success_total counter\n",
      vllm);
}

}  // namespace ftel::plant_sim
