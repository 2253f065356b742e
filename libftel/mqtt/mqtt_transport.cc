#include "libftel/mqtt/mqtt_transport.h"

#include <future>
#include <memory>

#include "absl/strings/str_cat.h"

namespace ftel {

absl::Status PublishAndWait(MqttTransport& transport, const MqttMessage& message,
                            absl::Duration timeout) {
  auto outcome = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> result = outcome->get_future();
  transport.Publish(message, [outcome](absl::Status status) { outcome->set_value(status); });
  if (result.wait_for(absl::ToChronoMilliseconds(timeout)) != std::future_status::ready) {
    return absl::DeadlineExceededError(absl::StrCat("no acknowledgement for ", message.topic,
                                                    " within ", absl::FormatDuration(timeout)));
  }
  return result.get();
}

}  // namespace ftel
