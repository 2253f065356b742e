// Source types `file` (a JSON document or a JSON-lines file another system
// writes) and `exec` (a command of your own that prints a JSON document),
// configured in proto/ftel/v1/source_file.proto. Both poll on their own
// thread and hand each window what their readings accumulated
// (json_bindings.h).
#ifndef FTEL_AGENT_SOURCES_FILE_FILE_SOURCE_H_
#define FTEL_AGENT_SOURCES_FILE_FILE_SOURCE_H_

#include <memory>
#include <string>

#include "agent/sources/kpi_source.h"

namespace ftel {

std::unique_ptr<KpiSource> CreateFileSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems);

// Their SourcePathResolvers: the file's path, the command's program.
void ResolveFileSourcePaths(const std::string& config_dir, v1::SourceConfig* config);
void ResolveExecSourcePaths(const std::string& config_dir, v1::SourceConfig* config);

std::unique_ptr<KpiSource> CreateExecSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_FILE_FILE_SOURCE_H_
