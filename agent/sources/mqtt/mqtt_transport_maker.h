// Which MQTT client the `mqtt` source type connects with. The source's logic
// only knows the MqttTransport interface, so that the agent's libraries and
// unit tests do not link Paho; a program that reads mqtt sources links
// `ftel::source_mqtt_paho`, whose one object file installs the Paho client
// here when the program starts (agent/sources/mqtt/paho/).
//
//   SetMqttSourceTransportMaker([](const std::string& uri, const std::string& id) {...});
//   MqttTransportMaker make = MqttSourceTransportMaker();  // empty if none installed
#ifndef FTEL_AGENT_SOURCES_MQTT_MQTT_TRANSPORT_MAKER_H_
#define FTEL_AGENT_SOURCES_MQTT_MQTT_TRANSPORT_MAKER_H_

#include <functional>
#include <memory>
#include <string>

#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

using MqttTransportMaker = std::function<std::unique_ptr<MqttTransport>(
    const std::string& uri, const std::string& client_id)>;

// Thread-safe; the last one set wins.
void SetMqttSourceTransportMaker(MqttTransportMaker maker);
MqttTransportMaker MqttSourceTransportMaker();

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_MQTT_TRANSPORT_MAKER_H_
