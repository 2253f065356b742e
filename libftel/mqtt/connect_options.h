// The MQTT connect options for one attempt at a broker, from the `broker:`
// section of a config (its rules are in libftel/config/broker_config_rules.h).
//
//   ASSIGN_OR_RETURN(MqttConnectOptions options, ConnectOptionsFor(broker, uri));
#ifndef FTEL_LIBFTEL_MQTT_CONNECT_OPTIONS_H_
#define FTEL_LIBFTEL_MQTT_CONNECT_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "ftel/v1/broker_config.pb.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

// The connect options for one attempt at `uri` (the main URI or a failover
// one). Reads password_file now, so a rotated password is picked up.
absl::StatusOr<MqttConnectOptions> ConnectOptionsFor(const v1::BrokerConfig& broker,
                                                     const std::string& uri);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_CONNECT_OPTIONS_H_
