#include "tools/ftelctl/subscription.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::Status Subscription::Start(const std::string& broker_uri,
                                 const std::vector<std::string>& filters) {
  transport_ = NewPahoMqttTransport(broker_uri, absl::StrCat("ftelctl-", getpid()));
  transport_->SetMessageHandler([this](MqttMessage message) {
    {
      absl::MutexLock lock(&mu_);
      messages_.push_back(std::move(message));
    }
    arrived_.Ring();
  });
  RETURN_IF_ERROR(transport_->Connect(MqttConnectOptions{}));
  for (const std::string& filter : filters) RETURN_IF_ERROR(transport_->Subscribe(filter, 1));
  return absl::OkStatus();
}

std::optional<MqttMessage> Subscription::Next(absl::Duration timeout) {
  const int64_t deadline_ms = clock_.MonotonicMs() + absl::ToInt64Milliseconds(timeout);
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (!messages_.empty()) {
        MqttMessage message = std::move(messages_.front());
        messages_.pop_front();
        return message;
      }
    }
    const int64_t left_ms = deadline_ms - clock_.MonotonicMs();
    if (left_ms <= 0) return std::nullopt;
    arrived_.WaitFor(absl::Milliseconds(left_ms));
  }
}

}  // namespace ftel
