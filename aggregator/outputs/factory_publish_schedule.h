// When each factory's own results go out: at most once per interval per
// factory (`factory_results_min_interval_ms`), so that a national fleet whose
// factories all report every few seconds does not republish every factory
// on every recompute. A factory that changed is published at once if its
// last publish is at least the interval ago, else when the interval is
// over; changes meanwhile go out together. With an interval of 0 every
// changed factory is due at once. The groups' and the fleet's results are
// not scheduled here: they follow every recompute.
//
//   FactoryPublishSchedule schedule(30000);
//   schedule.Changed(changed_factories, clock.MonotonicMs());
//   for (const std::string& id : schedule.TakeDue(clock.MonotonicMs())) ...
#ifndef FTEL_AGGREGATOR_OUTPUTS_FACTORY_PUBLISH_SCHEDULE_H_
#define FTEL_AGGREGATOR_OUTPUTS_FACTORY_PUBLISH_SCHEDULE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ftel {

// A factory whose results are to go out, and when (results' clock) its
// newest figures were computed: its results' `computed_at_ms`.
struct DueFactory {
  std::string id;
  int64_t changed_at_ms = 0;
};

// Not thread-safe; used by the aggregator's processing thread. Times are
// monotonic milliseconds.
class FactoryPublishSchedule {
 public:
  explicit FactoryPublishSchedule(int64_t min_interval_ms) : interval_ms_(min_interval_ms) {}

  // The factories whose summaries were rebuilt at `now_ms`, by the
  // recompute of `computed_at_ms`.
  void Changed(const std::vector<std::string>& factory_ids, int64_t now_ms, int64_t computed_at_ms);
  // The factories due at `now_ms`, each once; they count as published then.
  std::vector<DueFactory> TakeDue(int64_t now_ms);
  // When the next pending factory is due; INT64_MAX when none is pending.
  int64_t NextDueMs() const {
    return due_.empty() ? std::numeric_limits<int64_t>::max() : due_.top().first;
  }

 private:
  using Due = std::pair<int64_t, std::string>;

  const int64_t interval_ms_;
  // Per factory: the last time it was taken, and whether it waits in `due_`.
  struct Factory {
    int64_t last_ms = std::numeric_limits<int64_t>::min();
    bool pending = false;
    int64_t changed_at_ms = 0;
  };
  std::unordered_map<std::string, Factory> factories_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_FACTORY_PUBLISH_SCHEDULE_H_
