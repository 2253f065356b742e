#include "agent/sources/modbus/work_unit_tracker.h"

#include <algorithm>
#include <cmath>

namespace ftel {
namespace {

// Stretches kept before the oldest two are merged: bounds memory when
// windows are much longer than the poll interval (1 day, 100 ms polls).
constexpr size_t kMaxPending = 256;
// Doubles of parts scaled by 0.1 and summed again are a hair below whole.
constexpr double kWholeSlack = 1e-6;

}  // namespace

WorkUnitTracker::WorkUnitTracker(const WorkUnitMap& map)
    : map_(map), calendar_(map.shifts), produced_(map.produced) {
  if (map.good) good_.emplace(*map.good);
  if (map.scrap) scrap_.emplace(*map.scrap);
}

void WorkUnitTracker::Observe(const UnitReading& reading, int64_t wall_ms, int64_t mono_ms) {
  Stretch s;
  s.start_ms = s.end_ms = wall_ms;
  s.complete = true;
  const auto count = [&s](std::optional<PartCounter>& counter, std::optional<uint64_t> raw,
                          double* into) {
    if (!counter || !raw) return;
    const std::optional<double> parts = counter->Observe(*raw);
    if (parts) *into = *parts;
    s.complete = s.complete && parts.has_value();
  };
  const std::optional<double> produced = produced_.Observe(reading.produced);
  s.produced = produced.value_or(0);
  s.complete = produced.has_value();
  count(good_, reading.good, &s.good);
  count(scrap_, reading.scrap, &s.scrap);
  if (!last_.has_value()) {
    // The first poll after an outage: the parts made while the PLC was away
    // came in time that is not known, so they are not counted either;
    // counting them without their time would push effectiveness and OEE
    // past 100% in the window of the return.
    s.produced = s.good = s.scrap = 0;
  }

  if (last_.has_value() && mono_ms > last_->mono_ms) {
    const int64_t elapsed = mono_ms - last_->mono_ms;
    s.start_ms = wall_ms - elapsed;
    if (!map_.shifts.empty()) {
      s.planned_ms = static_cast<double>(calendar_.PlannedMs(s.start_ms, wall_ms));
    } else {
      s.planned_ms = last_->planned ? static_cast<double>(elapsed) : 0;
    }
    s.running_ms = last_->running ? s.planned_ms : 0;
  }
  last_ = LastPoll{wall_ms, mono_ms, reading.running, reading.planned};
  problem_.clear();

  pending_.push_back(s);
  if (pending_.size() > kMaxPending) {
    Stretch& second = pending_[1];
    const Stretch& first = pending_[0];
    second.start_ms = std::min(first.start_ms, second.start_ms);
    second.planned_ms += first.planned_ms;
    second.running_ms += first.running_ms;
    second.produced += first.produced;
    second.good += first.good;
    second.scrap += first.scrap;
    second.complete = second.complete || first.complete;
    pending_.pop_front();
  }
}

void WorkUnitTracker::Lost(const std::string& reason) {
  last_.reset();
  problem_ = reason;
}

uint64_t WorkUnitTracker::TakeWhole(double more, double* carry) {
  *carry += more;
  const double whole = std::floor(*carry + kWholeSlack);
  *carry = std::max(0.0, *carry - whole);
  return static_cast<uint64_t>(whole);
}

Figure<v1::WorkUnitElements> WorkUnitTracker::TakeWindow(const ReportWindow& window) {
  Stretch sum;
  bool polled = false;
  while (!pending_.empty()) {
    Stretch& s = pending_.front();
    if (s.end_ms >= window.end_ms) {
      // A poll after the window: the part of its stretch before the end is
      // this window's.
      if (s.start_ms < window.end_ms && s.end_ms > s.start_ms) {
        const double before = static_cast<double>(window.end_ms - s.start_ms) /
                              static_cast<double>(s.end_ms - s.start_ms);
        sum.planned_ms += s.planned_ms * before;
        sum.running_ms += s.running_ms * before;
        s.planned_ms -= s.planned_ms * before;
        s.running_ms -= s.running_ms * before;
        s.start_ms = window.end_ms;
      }
      break;
    }
    polled = true;
    sum.planned_ms += s.planned_ms;
    sum.running_ms += s.running_ms;
    sum.produced += s.produced;
    sum.good += s.good;
    sum.scrap += s.scrap;
    sum.complete = sum.complete || s.complete;
    pending_.pop_front();
  }
  if (!sum.complete) {
    // What the window saw is dropped; the counters' baselines stay.
    return Figure<v1::WorkUnitElements>::Unknown(
        polled ? "no baseline yet"
               : (problem_.empty() ? "no poll completed in the window" : problem_));
  }
  const double window_ms =
      static_cast<double>(std::max<int64_t>(0, window.end_ms - window.start_ms));
  const double planned_ms = std::min(sum.planned_ms, window_ms);
  const double running_ms = std::min(sum.running_ms, planned_ms);

  v1::WorkUnitElements e;
  e.set_work_unit_id(map_.work_unit_id);
  e.set_planned_busy_time_s(planned_ms / 1000.0);
  e.set_actual_production_time_s(running_ms / 1000.0);
  e.set_planned_run_time_per_unit_s(map_.planned_run_time_per_unit_s);
  const uint64_t produced = TakeWhole(sum.produced, &produced_carry_);
  const uint64_t scrap = scrap_ ? std::min(TakeWhole(sum.scrap, &scrap_carry_), produced) : 0;
  const uint64_t good =
      good_ ? std::min(TakeWhole(sum.good, &good_carry_), produced) : produced - scrap;
  e.set_produced_quantity(produced);
  e.set_good_quantity(good);
  e.set_scrap_quantity(scrap);
  return Figure<v1::WorkUnitElements>::Known(std::move(e));
}

}  // namespace ftel
