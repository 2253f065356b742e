#include "libftel/config/transient_reflection.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"

namespace ftel {

absl::Status FillWithTransientReflection(absl::string_view descriptor_set,
                                         const std::string& type_name,
                                         absl::FunctionRef<void(google::protobuf::Message*)> fill,
                                         google::protobuf::MessageLite* message) {
  message->Clear();
  google::protobuf::FileDescriptorSet files;
  if (!files.ParseFromArray(descriptor_set.data(), static_cast<int>(descriptor_set.size()))) {
    return absl::InternalError(
        absl::StrCat("the built-in descriptors of ", type_name, " do not parse"));
  }
  google::protobuf::DescriptorPool pool;
  for (const google::protobuf::FileDescriptorProto& file : files.file()) {
    if (pool.BuildFile(file) == nullptr) {
      return absl::InternalError(
          absl::StrCat("the built-in descriptor of ", file.name(), " does not build"));
    }
  }
  const google::protobuf::Descriptor* type = pool.FindMessageTypeByName(type_name);
  if (type == nullptr) {
    return absl::InternalError(absl::StrCat("the built-in descriptors lack ", type_name));
  }
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> copy(factory.GetPrototype(type)->New());
  fill(copy.get());
  if (!message->ParseFromString(copy->SerializeAsString())) {
    return absl::InternalError(
        absl::StrCat("a ", type_name, " from its built-in descriptors does not parse"));
  }
  return absl::OkStatus();
}

}  // namespace ftel
