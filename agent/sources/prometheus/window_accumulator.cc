#include "agent/sources/prometheus/window_accumulator.h"

#include <algorithm>
#include <cmath>

namespace ftel {

WindowAccumulator::WindowAccumulator(std::map<std::string, std::vector<int>> scenario_endpoints,
                                     int endpoints)
    : scenario_endpoints_(std::move(scenario_endpoints)), last_failure_(endpoints) {
  for (const auto& [scenario, serving] : scenario_endpoints_) {
    for (int e : serving) slots_[{scenario, e}];
  }
}

void WindowAccumulator::Start() {
  absl::MutexLock lock(&mu_);
  started_ = true;
}

void WindowAccumulator::RecordScrape(int endpoint,
                                     const std::map<std::string, Figure<double>>& figures) {
  absl::MutexLock lock(&mu_);
  last_failure_[endpoint].clear();
  for (const auto& [scenario, figure] : figures) {
    auto slot = slots_.find({scenario, endpoint});
    if (slot == slots_.end()) continue;
    if (figure.known()) {
      slot->second.known = true;
      slot->second.sum += *figure.value;
    } else {
      slot->second.reason = figure.unknown_reason;
    }
  }
}

void WindowAccumulator::RecordFailure(int endpoint, const std::string& reason) {
  absl::MutexLock lock(&mu_);
  last_failure_[endpoint] = reason;
  for (auto& [key, slot] : slots_) {
    if (key.second == endpoint) slot.reason = reason;
  }
}

std::map<std::string, Figure<uint64_t>> WindowAccumulator::Take() {
  absl::MutexLock lock(&mu_);
  std::map<std::string, Figure<uint64_t>> window;
  for (const auto& [scenario, serving] : scenario_endpoints_) {
    if (!started_) {
      window[scenario] = Figure<uint64_t>::Unknown(kNotStarted);
      continue;
    }
    double sum = 0;
    std::string unknown;
    for (int e : serving) {
      const Slot& slot = slots_[{scenario, e}];
      if (slot.known) {
        sum += slot.sum;
      } else if (unknown.empty()) {
        unknown = !slot.reason.empty()        ? slot.reason
                  : !last_failure_[e].empty() ? last_failure_[e]
                                              : std::string(kNoScrapeInWindow);
      }
    }
    window[scenario] =
        unknown.empty()
            ? Figure<uint64_t>::Known(static_cast<uint64_t>(std::llround(std::min(sum, 9e18))))
            : Figure<uint64_t>::Unknown(unknown);
  }
  for (auto& [key, slot] : slots_) slot = Slot{};
  return window;
}

}  // namespace ftel
