// What the polling threads of a `prometheus` source hand to the sampling
// thread: per scenario and endpoint, the increments of the successful scrapes
// since the last Take, or why there were none. Take never waits on I/O: the
// pollers hold the lock only to add a scrape's figures. A scenario that sums
// several endpoints is known only when each of them gave an increment.
//
//   WindowAccumulator acc({{"PD-03", {0}}}, /*endpoints=*/1);
//   acc.Start();
//   acc.RecordScrape(0, {{"PD-03", Figure<double>::Known(12)}});  // poll thread
//   std::map<std::string, Figure<uint64_t>> w = acc.Take();       // sampling thread
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_WINDOW_ACCUMULATOR_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_WINDOW_ACCUMULATOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "agent/sources/kpi_source.h"

namespace ftel {

inline constexpr char kNotStarted[] = "not started";
inline constexpr char kNoScrapeInWindow[] = "no scrape finished in this window";

class WindowAccumulator {
 public:
  // `scenario_endpoints`: for each scenario, the endpoints whose increments it sums.
  WindowAccumulator(std::map<std::string, std::vector<int>> scenario_endpoints, int endpoints);

  // Until called, Take gives every scenario unknown "not started".
  void Start() ABSL_LOCKS_EXCLUDED(mu_);

  // A successful scrape of `endpoint`: a figure per scenario it serves.
  void RecordScrape(int endpoint, const std::map<std::string, Figure<double>>& figures)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A failed scrape: every scenario of `endpoint` without an increment in
  // this window is unknown for `reason`.
  void RecordFailure(int endpoint, const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);

  // The window's figures, rounded to whole inferences; starts the next window.
  std::map<std::string, Figure<uint64_t>> Take() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Slot {
    bool known = false;
    double sum = 0;
    std::string reason;  // why not known, from this window's scrapes
  };

  const std::map<std::string, std::vector<int>> scenario_endpoints_;
  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::pair<std::string, int>, Slot> slots_ ABSL_GUARDED_BY(mu_);
  // Per endpoint: the reason of its last scrape if that failed, else "".
  std::vector<std::string> last_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_WINDOW_ACCUMULATOR_H_
