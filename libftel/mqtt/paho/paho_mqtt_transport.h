// MqttTransport over Eclipse Paho MQTT C++ (async_client, no Paho
// persistence: the agent's own spool owns durability, docs/design.md decision 4).
#ifndef FTEL_LIBFTEL_MQTT_PAHO_PAHO_MQTT_TRANSPORT_H_
#define FTEL_LIBFTEL_MQTT_PAHO_PAHO_MQTT_TRANSPORT_H_

#include <memory>
#include <string>

#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

// `uri` is "tcp://host:port"; errors surface from Connect, never from here.
std::unique_ptr<MqttTransport> NewPahoMqttTransport(const std::string& uri,
                                                    const std::string& client_id);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_PAHO_PAHO_MQTT_TRANSPORT_H_
