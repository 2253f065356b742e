#include "tools/ftelctl/subscription.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/status_macros.h"

namespace ftel {

absl::Status Subscription::Start(const BrokerOptions& broker,
                                 const std::vector<std::string>& filters) {
  ASSIGN_OR_RETURN(const MqttConnectOptions options, MakeConnectOptions(broker));
  transport_ = NewPahoMqttTransport(options.server_uri, absl::StrCat("ftelctl-", getpid()));
  transport_->SetMessageHandler([this](MqttMessage message) {
    {
      absl::MutexLock lock(&mu_);
      messages_.push_back(std::move(message));
    }
    arrived_.Ring();
  });
  absl::Status status = transport_->Connect(options);
  for (size_t i = 0; status.ok() && i < filters.size(); ++i) {
    status = transport_->Subscribe(filters[i], 1);
  }
  if (status.ok()) return status;
  return absl::Status(status.code(), DescribeConnectFailure(status, options));
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

int ReportStartFailure(const std::string& command, const absl::Status& status) {
  for (absl::string_view line : absl::StrSplit(status.message(), '\n')) {
    std::fprintf(stderr, "ftelctl %s: %s\n", command.c_str(), std::string(line).c_str());
  }
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace ftel
