// Reflection on a config message without building the program's generated
// descriptors.
//
// The YAML loader finds fields by name, which needs descriptors. Asked of a
// generated message, protobuf builds them in its generated pool for the
// type's file and every file it imports, and keeps them for the process's
// life: about 100 KiB of an edge agent's heap that nothing needs after the
// config is read (the agent encodes and decodes with generated code only).
// FillWithTransientReflection builds the type in a pool of its own from the
// descriptor set the build embeds (config_descriptor_sets.h), lets `fill`
// work on a dynamic message of it, copies the result into the generated
// message through the wire format, and frees the pool before it returns.
//
//   v1::AgentConfig config;
//   RETURN_IF_ERROR(FillWithTransientReflection(
//       AgentConfigDescriptorSet(), "ftel.v1.AgentConfig",
//       [&](google::protobuf::Message* copy) { LoadYamlFile(path, copy, &problems); },
//       &config));
#ifndef FTEL_LIBFTEL_CONFIG_TRANSIENT_REFLECTION_H_
#define FTEL_LIBFTEL_CONFIG_TRANSIENT_REFLECTION_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/message_lite.h"

namespace ftel {

// `descriptor_set` is a serialized FileDescriptorSet holding `type_name`
// (the full name; asking `message` for it would build its descriptors) and
// every file it imports, dependencies first. `message` is cleared, then holds
// what `fill` set. Internal if the set does not parse or build or lacks the
// type, or what `fill` set does not parse as `message`: a build's fault,
// never the user's.
absl::Status FillWithTransientReflection(absl::string_view descriptor_set,
                                         const std::string& type_name,
                                         absl::FunctionRef<void(google::protobuf::Message*)> fill,
                                         google::protobuf::MessageLite* message);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_CONFIG_TRANSIENT_REFLECTION_H_
