// Defaults and validation rules for the `broker:` section shared by the agent
// and aggregator configs (the connect options it yields are in
// libftel/mqtt/connect_options.h).
#ifndef FTEL_LIBFTEL_CONFIG_BROKER_CONFIG_RULES_H_
#define FTEL_LIBFTEL_CONFIG_BROKER_CONFIG_RULES_H_

#include <string>

#include "ftel/v1/broker_config.pb.h"
#include "libftel/config/config_problems.h"

namespace ftel {

// Fills zero values with the documented defaults and makes the TLS and
// password file paths absolute (relative to `config_dir`).
void ApplyBrokerDefaults(const std::string& default_client_id, const std::string& config_dir,
                         v1::BrokerConfig* broker);

// Adds a problem under `broker.` for each broken rule (including unreadable files).
void ValidateBrokerConfig(const v1::BrokerConfig& broker, ConfigProblems* problems);

// Adds a problem under `topic_root` unless it is [A-Za-z0-9_-]{1,64}.
void ValidateTopicRoot(const std::string& topic_root, ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_CONFIG_BROKER_CONFIG_RULES_H_
