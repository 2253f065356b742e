// The config types' descriptors as serialized FileDescriptorSets, each with
// every file it imports, as `protoc --include_imports --descriptor_set_out`
// writes them at build time (libftel/CMakeLists.txt). The config loaders
// reflect on them in a pool of their own (transient_reflection.h).
#ifndef FTEL_LIBFTEL_CONFIG_CONFIG_DESCRIPTOR_SETS_H_
#define FTEL_LIBFTEL_CONFIG_CONFIG_DESCRIPTOR_SETS_H_

#include "absl/strings/string_view.h"

namespace ftel {

// ftel/v1/agent_config.proto and its imports: ftel.v1.AgentConfig.
absl::string_view AgentConfigDescriptorSet();

// ftel/v1/aggregator_config.proto and its imports: ftel.v1.AggregatorConfig.
absl::string_view AggregatorConfigDescriptorSet();

}  // namespace ftel

#endif  // FTEL_LIBFTEL_CONFIG_CONFIG_DESCRIPTOR_SETS_H_
