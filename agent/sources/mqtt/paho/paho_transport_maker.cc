// Installs the Eclipse Paho client as the `mqtt` source type's transport
// when the program starts. Linked as an object library (ftel::source_mqtt_paho)
// into the programs that read mqtt sources, so that nothing has to call it.
#include "agent/sources/mqtt/mqtt_transport_maker.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"

namespace ftel {
namespace {

[[maybe_unused]] const bool kPahoInstalled = [] {
  SetMqttSourceTransportMaker(NewPahoMqttTransport);
  return true;
}();

}  // namespace
}  // namespace ftel
