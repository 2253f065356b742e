#include "libftel/config/yaml_proto_loader.h"

#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libftel/platform/file_io.h"
#include "yaml-cpp/yaml.h"

namespace ftel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : absl::StrCat(prefix, ".", key);
}

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF), which protobuf requires of every string field on the wire.
bool IsUtf8(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    int length;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (*p >= 0xC2 && *p <= 0xDF) {
      length = 2;
    } else if (*p >= 0xE0 && *p <= 0xEF) {
      length = 3;
      if (*p == 0xE0) low = 0xA0;   // overlong
      if (*p == 0xED) high = 0x9F;  // surrogates
    } else if (*p >= 0xF0 && *p <= 0xF4) {
      length = 4;
      if (*p == 0xF0) low = 0x90;   // overlong
      if (*p == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (end - p < length || p[1] < low || p[1] > high) return false;
    for (int i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += length;
  }
  return true;
}

const char* KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "empty";
    default:
      return "a scalar";
  }
}

class Loader {
 public:
  explicit Loader(ConfigProblems* problems) : problems_(problems) {}

  void LoadMessage(const YAML::Node& node, const std::string& path, Message* message) {
    Record(node, path);
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problems_->Add(path, absl::StrCat("must be a mapping of keys, got ", KindName(node)));
      return;
    }
    const Descriptor* descriptor = message->GetDescriptor();
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      const std::string key_path = Join(path, key);
      Record(entry.first, key_path);
      if (!seen.insert(key).second) {
        problems_->Add(key_path, "duplicate key");
        continue;
      }
      const FieldDescriptor* field = descriptor->FindFieldByName(key);
      if (field == nullptr) {
        std::vector<std::string> allowed;
        for (int i = 0; i < descriptor->field_count(); ++i) {
          allowed.push_back(descriptor->field(i)->name());
        }
        problems_->Add(key_path,
                       absl::StrCat("unknown key (allowed: ", absl::StrJoin(allowed, ", "), ")"));
        continue;
      }
      LoadField(entry.second, key_path, field, message);
    }
  }

 private:
  void Record(const YAML::Node& node, const std::string& path) {
    if (node.Mark().line >= 0) problems_->RecordLine(path, node.Mark().line + 1);
  }

  void LoadField(const YAML::Node& node, const std::string& path, const FieldDescriptor* field,
                 Message* message) {
    Record(node, path);
    const Reflection* reflection = message->GetReflection();
    if (field->is_map()) {
      if (node.IsNull()) return;
      if (!node.IsMap()) {
        problems_->Add(path, absl::StrCat("must be a mapping, got ", KindName(node)));
        return;
      }
      const Descriptor* entry_type = field->message_type();
      std::set<std::string> seen;
      for (const auto& entry : node) {
        const std::string key = entry.first.as<std::string>();
        const std::string entry_path = Join(path, key);
        Record(entry.first, entry_path);
        if (!seen.insert(key).second) {
          problems_->Add(entry_path, "duplicate key");
          continue;
        }
        Message* map_entry = reflection->AddMessage(message, field);
        SetSingular(entry.first, entry_path, entry_type->map_key(), map_entry);
        SetSingular(entry.second, entry_path, entry_type->map_value(), map_entry);
      }
      return;
    }
    if (field->is_repeated()) {
      if (node.IsNull()) return;
      if (!node.IsSequence()) {
        problems_->Add(path, absl::StrCat("must be a list, got ", KindName(node)));
        return;
      }
      for (size_t i = 0; i < node.size(); ++i) {
        const std::string item_path = absl::StrCat(path, "[", i, "]");
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          LoadMessage(node[i], item_path, reflection->AddMessage(message, field));
        } else {
          AddScalar(node[i], item_path, field, message);
        }
      }
      return;
    }
    SetSingular(node, path, field, message);
  }

  void SetSingular(const YAML::Node& node, const std::string& path, const FieldDescriptor* field,
                   Message* message) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      LoadMessage(node, path, message->GetReflection()->MutableMessage(message, field));
      return;
    }
    Record(node, path);
    std::string text;
    if (!ScalarText(node, path, &text)) return;
    const Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (!StringFits(field, path, text)) return;
        r->SetString(message, field, text);
        break;
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool value;
        if (ParseBool(text, path, &value)) r->SetBool(message, field, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT32: {
        int64_t value;
        if (ParseSigned(text, path, std::numeric_limits<int32_t>::min(),
                        std::numeric_limits<int32_t>::max(), &value)) {
          r->SetInt32(message, field, static_cast<int32_t>(value));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t value;
        if (ParseSigned(text, path, std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::max(), &value)) {
          r->SetInt64(message, field, value);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        uint64_t value;
        if (ParseUnsigned(text, path, std::numeric_limits<uint32_t>::max(), &value)) {
          r->SetUInt32(message, field, static_cast<uint32_t>(value));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t value;
        if (ParseUnsigned(text, path, std::numeric_limits<uint64_t>::max(), &value)) {
          r->SetUInt64(message, field, value);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double value;
        if (!absl::SimpleAtod(text, &value)) {
          problems_->Add(path, absl::StrCat("must be a number, got '", text, "'"));
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
          r->SetDouble(message, field, value);
        } else {
          r->SetFloat(message, field, static_cast<float>(value));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumValueDescriptor* value = field->enum_type()->FindValueByName(text);
        if (value == nullptr) {
          problems_->Add(path, absl::StrCat("must be one of the ", field->enum_type()->name(),
                                            " names, got '", text, "'"));
        } else {
          r->SetEnum(message, field, value);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
  }

  void AddScalar(const YAML::Node& node, const std::string& path, const FieldDescriptor* field,
                 Message* message) {
    Record(node, path);
    std::string text;
    if (!ScalarText(node, path, &text)) return;
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      problems_->Add(path, "lists of non-string scalars are not supported");
      return;
    }
    if (!StringFits(field, path, text)) return;
    message->GetReflection()->AddString(message, field, text);
  }

  // A string field (not bytes) holds UTF-8 only: anything else would not
  // survive the wire format, in the config or in the reports it names.
  bool StringFits(const FieldDescriptor* field, const std::string& path, const std::string& text) {
    if (field->type() != FieldDescriptor::TYPE_STRING || IsUtf8(text)) return true;
    problems_->Add(path, absl::StrCat("must be UTF-8 text, got '", absl::CHexEscape(text), "'"));
    return false;
  }

  bool ScalarText(const YAML::Node& node, const std::string& path, std::string* text) {
    if (!node.IsScalar()) {
      problems_->Add(path, absl::StrCat("must be a single value, got ", KindName(node)));
      return false;
    }
    *text = node.Scalar();
    return true;
  }

  bool ParseBool(const std::string& text, const std::string& path, bool* value) {
    if (text == "true") {
      *value = true;
      return true;
    }
    if (text == "false") {
      *value = false;
      return true;
    }
    problems_->Add(path, absl::StrCat("must be true or false, got '", text, "'"));
    return false;
  }

  bool ParseSigned(const std::string& text, const std::string& path, int64_t min, int64_t max,
                   int64_t* value) {
    if (!absl::SimpleAtoi(text, value) || *value < min || *value > max) {
      problems_->Add(path,
                     absl::StrCat("must be an integer in ", min, "..", max, ", got '", text, "'"));
      return false;
    }
    return true;
  }

  bool ParseUnsigned(const std::string& text, const std::string& path, uint64_t max,
                     uint64_t* value) {
    if (!text.empty() && text[0] == '-') {
      problems_->Add(path, absl::StrCat("must be a non-negative integer, got '", text, "'"));
      return false;
    }
    if (!absl::SimpleAtoi(text, value) || *value > max) {
      problems_->Add(path, absl::StrCat("must be an integer in 0..", max, ", got '", text, "'"));
      return false;
    }
    return true;
  }

  ConfigProblems* problems_;
};

}  // namespace

void LoadYamlText(const std::string& text, Message* message, ConfigProblems* problems) {
  message->Clear();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems->RecordLine("(yaml)", e.mark.line + 1);
    problems->Add("(yaml)", absl::StrCat("not valid YAML: ", e.msg));
    return;
  }
  if (root.IsNull()) {
    problems->Add("", "the file is empty");
    return;
  }
  Loader(problems).LoadMessage(root, "", message);
}

std::string LoadYamlFile(const std::string& path, Message* message, ConfigProblems* problems) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    message->Clear();
    problems->Add("", std::string(text.status().message()));
    return "";
  }
  LoadYamlText(*text, message, problems);
  return *std::move(text);
}

}  // namespace ftel
