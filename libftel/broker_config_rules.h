// Defaults and validation rules for the `broker:` section shared by the agent
// and aggregator configs, and the MQTT connect options it yields.
#ifndef FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_
#define FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_

#include <string>

#include "absl/status/statusor.h"
#include "ftel/v1/broker_config.pb.h"
#include "libftel/config_problems.h"
#include "libftel/mqtt_transport.h"

namespace ftel {

// Fills zero values with the documented defaults and makes the TLS and
// password file paths absolute (relative to `config_dir`).
void ApplyBrokerDefaults(const std::string& default_client_id, const std::string& config_dir,
                         v1::BrokerConfig* broker);

// Adds a problem under `broker.` for each broken rule (including unreadable files).
void ValidateBrokerConfig(const v1::BrokerConfig& broker, ConfigProblems* problems);

// Adds a problem under `topic_root` unless it is [A-Za-z0-9_-]{1,64}.
void ValidateTopicRoot(const std::string& topic_root, ConfigProblems* problems);

// The connect options for one attempt at `uri` (the main URI or a failover
// one). Reads password_file now, so a rotated password is picked up.
absl::StatusOr<MqttConnectOptions> ConnectOptionsFor(const v1::BrokerConfig& broker,
                                                     const std::string& uri);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_
