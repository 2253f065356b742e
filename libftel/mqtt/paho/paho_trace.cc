#include "libftel/mqtt/paho/paho_trace.h"

#include <cstdlib>

#include "MQTTAsync.h"

namespace ftel {

void KeepPahoTraceToErrors() {
  const char* printing = std::getenv("MQTT_C_CLIENT_TRACE");
  if (printing != nullptr && *printing != '\0') return;
  MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
}

}  // namespace ftel
