// Reads a YAML file into a protobuf message by field name, strictly: unknown
// keys, wrong types and out-of-range numbers are problems, never ignored.
// Semantic rules (ranges, references) belong to each program's config module.
//
//   AgentConfig config;
//   ConfigProblems problems(path);
//   LoadYamlFile(path, &config, &problems);
//   if (!problems.empty()) return problems.ToStatus();
#ifndef FTEL_LIBFTEL_CONFIG_YAML_PROTO_LOADER_H_
#define FTEL_LIBFTEL_CONFIG_YAML_PROTO_LOADER_H_

#include <string>

#include "google/protobuf/message.h"
#include "libftel/config/config_problems.h"

namespace ftel {

// Parses `path` into `message` (cleared first). Every problem goes to
// `problems`; the line of every key seen is recorded there too. Returns the
// raw file contents (empty if unreadable), for hashing.
std::string LoadYamlFile(const std::string& path, google::protobuf::Message* message,
                         ConfigProblems* problems);

// As LoadYamlFile, from text already in memory; `problems` names the file.
void LoadYamlText(const std::string& text, google::protobuf::Message* message,
                  ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_CONFIG_YAML_PROTO_LOADER_H_
