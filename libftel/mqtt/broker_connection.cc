#include "libftel/mqtt/broker_connection.h"

#include "absl/strings/str_cat.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/platform/log.h"

namespace ftel {
namespace {

constexpr int64_t kOutageReminderMs = 60000;

}  // namespace

BrokerConnection::BrokerConnection(const v1::BrokerConfig& broker, MqttTransport* transport,
                                   const Clock* clock, uint64_t seed, BrokerConnectionHooks hooks)
    : broker_(broker),
      transport_(transport),
      clock_(clock),
      hooks_(std::move(hooks)),
      backoff_(broker.reconnect_min_ms(), broker.reconnect_max_ms(), seed) {
  uris_.push_back(broker.uri());
  for (const std::string& uri : broker.failover_uris()) uris_.push_back(uri);
  transport_->SetConnectionLostHandler([this](const std::string& cause) {
    LogWarning(absl::StrCat("broker connection lost: ", cause));
    lost_ = true;
    if (hooks_.on_lost) hooks_.on_lost();
  });
}

bool BrokerConnection::Maintain() {
  // The first attempt after a loss waits too: a broker that drops us the
  // moment we connect must not be hammered.
  // Timers run on the monotonic clock: a step of the wall clock must not
  // postpone a reconnect by the size of the step.
  if (lost_.exchange(false)) {
    next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
    announced_ = false;
  }
  if (transport_->IsConnected()) return announced_ || TakeOver();
  if (clock_->MonotonicMs() < next_attempt_ms_) return false;
  if (Attempt()) {
    backoff_.Reset();
    return true;
  }
  next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
  return false;
}

bool BrokerConnection::Attempt() {
  const int64_t started_ms = clock_->MonotonicMs();
  const std::string& uri = uris_[next_uri_];
  absl::StatusOr<MqttConnectOptions> options = ConnectOptionsFor(broker_, uri);
  absl::Status status = options.status();
  if (options.ok()) {
    if (hooks_.prepare) hooks_.prepare(&*options);
    status = transport_->Connect(*options);
  }
  if (status.ok() && hooks_.on_connected) {
    status = hooks_.on_connected(uri);
    if (!status.ok()) (void)transport_->Disconnect(absl::Seconds(2));
  }
  const int64_t now_ms = clock_->MonotonicMs();
  if (!status.ok()) {
    ++failed_attempts_;
    LogDebug(absl::StrCat("connect attempt ", failed_attempts_, " to ", uri, " took ",
                          now_ms - started_ms, " ms: ", status.message()));
    if (offline_since_ms_ < 0) {
      offline_since_ms_ = now_ms;
      reminded_at_ms_ = now_ms;
      LogWarning(absl::StrCat(status.message(), hooks_.outage_note));
    } else if (now_ms - reminded_at_ms_ >= kOutageReminderMs) {
      reminded_at_ms_ = now_ms;
      LogWarning(absl::StrCat("still not connected after ", failed_attempts_, " attempts in ",
                              (now_ms - offline_since_ms_) / 1000, " s; the last, to ", uri,
                              ", took ", now_ms - started_ms, " ms: ", status.message()));
    }
    next_uri_ = (next_uri_ + 1) % uris_.size();
    return false;
  }
  offline_since_ms_ = -1;
  failed_attempts_ = 0;
  ++connects_;
  announced_ = true;
  return true;
}

bool BrokerConnection::TakeOver() {
  const absl::Status status = hooks_.on_connected ? hooks_.on_connected("") : absl::OkStatus();
  if (status.ok()) {
    announced_ = true;
    return true;
  }
  LogWarning(absl::StrCat("on the connection taken over: ", status.message(), "; reconnecting"));
  (void)transport_->Disconnect(absl::Seconds(2));
  next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
  return false;
}

}  // namespace ftel
