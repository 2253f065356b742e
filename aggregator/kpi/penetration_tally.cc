#include "aggregator/kpi/penetration_tally.h"

#include <utility>

#include "aggregator/kpi/rate_math.h"

namespace ftel {
namespace {

void Increment(std::map<double, uint32_t>* values, double value) { ++(*values)[value]; }

// Removes one `value`, which must be there.
void Decrement(std::map<double, uint32_t>* values, double value) {
  auto it = values->find(value);
  if (it == values->end()) return;
  if (--it->second == 0) values->erase(it);
}

}  // namespace

void PenetrationTally::Add(double numerator, double denominator) {
  numerator_ += numerator;
  denominator_ += denominator;
  if (denominator == 0) return;
  Count(numerator, denominator, true);
  Insert(100.0 * numerator / denominator);
}

void PenetrationTally::Remove(double numerator, double denominator) {
  numerator_ -= numerator;
  denominator_ -= denominator;
  if (denominator == 0) return;
  Count(numerator, denominator, false);
  Erase(100.0 * numerator / denominator);
}

void PenetrationTally::Count(double numerator, double denominator, bool add) {
  const double scaled = numerator * 100.0;
  for (auto [mark, count] : {std::pair{20.0, &at_or_above_20_}, std::pair{60.0, &at_or_above_60_},
                             std::pair{70.0, &at_or_above_70_}}) {
    if (scaled < mark * denominator) continue;
    if (add) {
      ++*count;
    } else {
      --*count;
    }
  }
}

void PenetrationTally::Insert(double percent) {
  if (lower_size_ == 0 || percent <= lower_.rbegin()->first) {
    Increment(&lower_, percent);
    ++lower_size_;
  } else {
    Increment(&upper_, percent);
    ++upper_size_;
  }
  Rebalance();
}

void PenetrationTally::Erase(double percent) {
  // Every value of upper_ is at least lower_'s largest, so a value up to that
  // largest is in lower_.
  if (lower_size_ > 0 && percent <= lower_.rbegin()->first) {
    Decrement(&lower_, percent);
    --lower_size_;
  } else {
    Decrement(&upper_, percent);
    --upper_size_;
  }
  Rebalance();
}

void PenetrationTally::Rebalance() {
  if (lower_size_ > upper_size_ + 1) {
    const double largest = lower_.rbegin()->first;
    Decrement(&lower_, largest);
    --lower_size_;
    Increment(&upper_, largest);
    ++upper_size_;
  } else if (upper_size_ > lower_size_) {
    const double smallest = upper_.begin()->first;
    Decrement(&upper_, smallest);
    --upper_size_;
    Increment(&lower_, smallest);
    ++lower_size_;
  }
}

v1::GroupPenetration PenetrationTally::ToProto() const {
  v1::GroupPenetration penetration;
  *penetration.mutable_pooled() = MakeRatio(numerator_, denominator_);
  v1::Distribution* distribution = penetration.mutable_distribution();
  distribution->set_factories(lower_size_ + upper_size_);
  if (lower_size_ > 0) {
    distribution->set_min_percent(lower_.begin()->first);
    distribution->set_max_percent(upper_size_ > 0 ? upper_.rbegin()->first
                                                  : lower_.rbegin()->first);
    distribution->set_median_percent(lower_size_ > upper_size_
                                         ? lower_.rbegin()->first
                                         : (lower_.rbegin()->first + upper_.begin()->first) / 2.0);
  }
  v1::Marks* marks = penetration.mutable_marks();
  marks->set_at_or_above_20(at_or_above_20_);
  marks->set_at_or_above_60(at_or_above_60_);
  marks->set_at_or_above_70(at_or_above_70_);
  return penetration;
}

}  // namespace ftel
