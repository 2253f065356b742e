#include "agent/sources/mqtt/binding_figure.h"

#include "absl/strings/str_cat.h"

namespace ftel {

constexpr char kNoMessageYet[] = "no message yet";

BindingFigure::BindingFigure(v1::MqttBinding::Kind kind, double counter_modulus,
                             const std::string& initial_reason)
    : kind_(kind),
      counter_(counter_modulus),
      reason_(initial_reason),
      window_reason_(initial_reason) {}

void BindingFigure::FeedUp() {
  feed_up_ = true;
  if (kind_ == v1::MqttBinding::EVENT_COUNT || kind_ == v1::MqttBinding::EVENT_SUM) {
    if (!valid_) {
      valid_ = true;
      reason_.clear();
    }
  }
}

void BindingFigure::FeedDown(const std::string& reason) {
  feed_up_ = false;
  Invalidate(reason);
}

void BindingFigure::Invalidate(const std::string& reason) {
  if (intact_ || window_reason_.empty()) window_reason_ = reason;
  valid_ = false;
  intact_ = false;
  reason_ = reason;
  counter_.Reset();
}

void BindingFigure::Reading(const absl::StatusOr<double>& value, bool birth, int64_t now_ms) {
  if (!feed_up_) return;
  switch (kind_) {
    case v1::MqttBinding::EVENT_COUNT:
      if (!birth) sum_ += 1;
      return;
    case v1::MqttBinding::EVENT_SUM:
      if (birth) return;
      if (!value.ok() || *value < 0) {
        // A lost event: this window cannot be known, the next one can.
        const std::string why = absl::StrCat(
            "unreadable payload: ", value.ok() ? "negative value" : value.status().message());
        if (intact_ || window_reason_.empty()) window_reason_ = why;
        intact_ = false;
        return;
      }
      sum_ += *value;
      return;
    case v1::MqttBinding::STATE:
      if (!value.ok()) return;
      if (valid_ && running_) running_ms_ += now_ms - since_ms_;
      running_ = *value != 0;
      since_ms_ = now_ms;
      if (!valid_) {
        valid_ = true;
        if (window_reason_ == kNoMessageYet) window_reason_ = "no state before the window";
        reason_.clear();
      }
      return;
    default: {  // COUNTER
      if (!value.ok()) return;
      const bool had_baseline = counter_.has_baseline();
      if (std::optional<double> delta = counter_.Observe(*value)) sum_ += *delta;
      if (!counter_.has_baseline()) {
        Invalidate("negative counter reading");
        return;
      }
      if (!had_baseline && counter_.has_baseline() && !valid_) {
        valid_ = true;
        if (window_reason_ == kNoMessageYet) window_reason_ = "no baseline yet";
        reason_.clear();
      }
      return;
    }
  }
}

Figure<double> BindingFigure::TakeWindow(int64_t now_ms) {
  if (kind_ == v1::MqttBinding::STATE && valid_) {
    if (running_) running_ms_ += now_ms - since_ms_;
    since_ms_ = now_ms;
  }
  Figure<double> seen = !valid_    ? Figure<double>::Unknown(reason_)
                        : !intact_ ? Figure<double>::Unknown(window_reason_)
                        : kind_ == v1::MqttBinding::STATE
                            ? Figure<double>::Known(static_cast<double>(running_ms_) / 1000.0)
                            : Figure<double>::Known(sum_);
  sum_ = 0;
  running_ms_ = 0;
  intact_ = valid_;
  window_reason_ = valid_ ? "" : reason_;
  return seen;
}

}  // namespace ftel
