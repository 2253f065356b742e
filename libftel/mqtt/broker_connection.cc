#include "libftel/mqtt/broker_connection.h"

#include "absl/strings/str_cat.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/platform/log.h"

namespace ftel {

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
  if (lost_.exchange(false)) next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
  if (transport_->IsConnected()) return true;
  if (clock_->MonotonicMs() < next_attempt_ms_) return false;
  if (Attempt()) {
    backoff_.Reset();
    return true;
  }
  next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
  return false;
}

bool BrokerConnection::Attempt() {
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
  if (!status.ok()) {
    if (!warned_offline_) LogWarning(absl::StrCat(status.message(), hooks_.outage_note));
    warned_offline_ = true;
    next_uri_ = (next_uri_ + 1) % uris_.size();
    return false;
  }
  warned_offline_ = false;
  ++connects_;
  return true;
}

}  // namespace ftel
