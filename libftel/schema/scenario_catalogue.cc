#include "libftel/schema/scenario_catalogue.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libftel/platform/content_hash.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"
#include "libftel/schema/built_in_catalogue.h"

namespace ftel {

absl::StatusOr<ScenarioCatalogue> ScenarioCatalogue::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return Parse(text, path);
}

absl::StatusOr<ScenarioCatalogue> ScenarioCatalogue::Parse(const std::string& text,
                                                           const std::string& source_name) {
  ScenarioCatalogue catalogue;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number == 1 || line.empty()) continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() != 6) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, ":", line_number, ": expected 6 tab-separated columns, got ", cols.size()));
    }
    if (catalogue.scenario_index_.count(cols[0]) > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", line_number, ": duplicate scenario id '", cols[0], "'"));
    }
    if (catalogue.link_index_.count(cols[1]) == 0) {
      catalogue.link_index_[cols[1]] = catalogue.links_.size();
      catalogue.links_.push_back(CatalogueLink{cols[1], cols[2], cols[3]});
    }
    catalogue.scenario_index_[cols[0]] = catalogue.scenarios_.size();
    catalogue.scenarios_.push_back(CatalogueScenario{cols[0], cols[1], cols[4], cols[5]});
  }
  if (catalogue.scenarios_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": no scenarios"));
  }
  catalogue.version_ = absl::StrCat("2025-", Fnv1a64Hex(text).substr(0, 8));
  return catalogue;
}

const CatalogueScenario* ScenarioCatalogue::Find(const std::string& id) const {
  auto it = scenario_index_.find(id);
  return it == scenario_index_.end() ? nullptr : &scenarios_[it->second];
}

const CatalogueLink* ScenarioCatalogue::FindLink(const std::string& link_id) const {
  auto it = link_index_.find(link_id);
  return it == link_index_.end() ? nullptr : &links_[it->second];
}

absl::StatusOr<ScenarioCatalogue> LoadConfiguredCatalogue(const std::string& config_path,
                                                          const std::string& configured) {
  const std::string dir = DirName(config_path);
  if (!configured.empty()) return ScenarioCatalogue::Load(ResolveRelativeTo(dir, configured));
  const std::string beside = ResolveRelativeTo(dir, "scenario-catalogue.tsv");
  if (access(beside.c_str(), F_OK) == 0) return ScenarioCatalogue::Load(beside);
  return ScenarioCatalogue::Parse(BuiltInCatalogueTsv(), "the built-in scenario catalogue");
}

}  // namespace ftel
