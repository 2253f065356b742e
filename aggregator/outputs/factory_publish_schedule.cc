#include "aggregator/outputs/factory_publish_schedule.h"

#include <algorithm>

namespace ftel {

void FactoryPublishSchedule::Changed(const std::vector<std::string>& factory_ids, int64_t now_ms,
                                     int64_t computed_at_ms) {
  for (const std::string& id : factory_ids) {
    Factory& factory = factories_[id];
    factory.changed_at_ms = computed_at_ms;
    if (factory.pending) continue;  // goes out at its due time with this change
    factory.pending = true;
    const int64_t earliest = factory.last_ms == std::numeric_limits<int64_t>::min()
                                 ? now_ms
                                 : factory.last_ms + interval_ms_;
    due_.emplace(std::max(now_ms, earliest), id);
  }
}

std::vector<DueFactory> FactoryPublishSchedule::TakeDue(int64_t now_ms) {
  std::vector<DueFactory> taken;
  while (!due_.empty() && due_.top().first <= now_ms) {
    Factory& factory = factories_[due_.top().second];
    factory.pending = false;
    factory.last_ms = now_ms;
    taken.push_back(DueFactory{due_.top().second, factory.changed_at_ms});
    due_.pop();
  }
  return taken;
}

}  // namespace ftel
