#include "agent/sources/kpi_source.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ftel {

void SourceRegistry::Register(const std::string& type, SourceFactory factory,
                              SourcePathResolver resolve_paths) {
  factories_[type] = std::move(factory);
  if (resolve_paths) resolvers_[type] = std::move(resolve_paths);
}

void SourceRegistry::ResolvePaths(const std::string& config_dir, v1::SourceConfig* config) const {
  auto it = resolvers_.find(config->type());
  if (it != resolvers_.end()) it->second(config_dir, config);
}

std::vector<std::string> SourceRegistry::Types() const {
  std::vector<std::string> types;
  for (const auto& entry : factories_) types.push_back(entry.first);
  return types;
}

std::unique_ptr<KpiSource> SourceRegistry::Create(const v1::SourceConfig& config,
                                                  const SourceBindings& bindings,
                                                  const std::string& key_prefix,
                                                  ConfigProblems* problems) const {
  auto it = factories_.find(config.type());
  if (it == factories_.end()) {
    problems->Add(absl::StrCat(key_prefix, ".type"),
                  absl::StrCat("must be one of: ", absl::StrJoin(Types(), ", "), "; got '",
                               config.type(), "'"));
    return nullptr;
  }
  return it->second(config, bindings, key_prefix, problems);
}

}  // namespace ftel
