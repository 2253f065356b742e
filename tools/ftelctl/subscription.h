// A connected MQTT subscription whose messages are read one at a time from
// the calling thread, for ftelctl's commands.
#ifndef FTEL_TOOLS_FTELCTL_SUBSCRIPTION_H_
#define FTEL_TOOLS_FTELCTL_SUBSCRIPTION_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/doorbell.h"
#include "tools/ftelctl/broker_options.h"

namespace ftel {

class Subscription {
 public:
  // Connects with a unique client id and subscribes to every filter at QoS 1.
  // InvalidArgument when the options are wrong (one problem per line), another
  // error, on one line, when the broker could not be reached or refused.
  absl::Status Start(const BrokerOptions& broker, const std::vector<std::string>& filters);
  // The next message, or nullopt after `timeout` without one.
  std::optional<MqttMessage> Next(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::unique_ptr<MqttTransport> transport_;
  absl::Mutex mu_;
  std::deque<MqttMessage> messages_ ABSL_GUARDED_BY(mu_);
  Doorbell arrived_;  // the wait is on the monotonic clock
  SystemClock clock_;
};

// Prints a failed Start as "ftelctl COMMAND: ..." lines and returns the exit
// code: 2 for wrong options, 1 for a broker that could not be used.
int ReportStartFailure(const std::string& command, const absl::Status& status);

}  // namespace ftel

#endif  // FTEL_TOOLS_FTELCTL_SUBSCRIPTION_H_
