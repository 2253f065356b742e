#include "agent/sources/mqtt/mqtt_transport_maker.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace ftel {
namespace {

// Function-local, so that a maker installed from another file's static
// initializer finds it constructed.
struct Installed {
  absl::Mutex mu;
  MqttTransportMaker maker ABSL_GUARDED_BY(mu);
};

Installed& TheInstalled() {
  static Installed* installed = new Installed();
  return *installed;
}

}  // namespace

void SetMqttSourceTransportMaker(MqttTransportMaker maker) {
  Installed& installed = TheInstalled();
  absl::MutexLock lock(&installed.mu);
  installed.maker = std::move(maker);
}

MqttTransportMaker MqttSourceTransportMaker() {
  Installed& installed = TheInstalled();
  absl::MutexLock lock(&installed.mu);
  return installed.maker;
}

}  // namespace ftel
