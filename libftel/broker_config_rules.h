// Defaults and validation rules for the `broker:` section shared by the agent
// and aggregator configs.
#ifndef FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_
#define FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_

#include <string>

#include "ftel/v1/broker_config.pb.h"
#include "libftel/config_problems.h"
#include "libftel/mqtt_transport.h"

namespace ftel {

// Fills zero values with the documented defaults.
void ApplyBrokerDefaults(const std::string& default_client_id, v1::BrokerConfig* broker);

// Adds a problem under `broker.` for each broken rule.
void ValidateBrokerConfig(const v1::BrokerConfig& broker, ConfigProblems* problems);

// Adds a problem under `topic_root` unless it is [A-Za-z0-9_-]{1,64}.
void ValidateTopicRoot(const std::string& topic_root, ConfigProblems* problems);

MqttConnectOptions ConnectOptionsFrom(const v1::BrokerConfig& broker);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_BROKER_CONFIG_RULES_H_
