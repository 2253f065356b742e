// The MIIT typical-scenario catalogue (8 process links, 40 scenarios):
// config/scenario-catalogue.tsv, built into every program, or a site's own
// file in the same format. Immutable once loaded; thread-safe.
//
//   ASSIGN_OR_RETURN(ScenarioCatalogue catalogue, ScenarioCatalogue::Load(path));
//   const CatalogueScenario* s = catalogue.Find("PM-02");  // s->link_id == "PM"
#ifndef FTEL_LIBFTEL_SCHEMA_SCENARIO_CATALOGUE_H_
#define FTEL_LIBFTEL_SCHEMA_SCENARIO_CATALOGUE_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace ftel {

struct CatalogueScenario {
  std::string id;
  std::string link_id;
  std::string name_zh;
  std::string name_en;
};

struct CatalogueLink {
  std::string id;
  std::string name_zh;
  std::string name_en;
};

class ScenarioCatalogue {
 public:
  // Columns: id, link_id, link_zh, link_en, name_zh, name_en, after one header
  // line. Errors name the file and line.
  static absl::StatusOr<ScenarioCatalogue> Load(const std::string& path);
  static absl::StatusOr<ScenarioCatalogue> Parse(const std::string& text,
                                                 const std::string& source_name);

  // Null when unknown.
  const CatalogueScenario* Find(const std::string& id) const;
  const CatalogueLink* FindLink(const std::string& link_id) const;

  const std::vector<CatalogueScenario>& scenarios() const { return scenarios_; }
  // Links in first-seen order.
  const std::vector<CatalogueLink>& links() const { return links_; }
  // "2025-" + the first 8 hex digits of the content hash.
  const std::string& version() const { return version_; }

 private:
  std::vector<CatalogueScenario> scenarios_;
  std::vector<CatalogueLink> links_;
  std::unordered_map<std::string, size_t> scenario_index_;
  std::unordered_map<std::string, size_t> link_index_;
  std::string version_;
};

// The catalogue a config means: the file `configured` names, relative to the
// config file's directory; if empty, scenario-catalogue.tsv beside the
// config, else the built-in one (libftel/schema/built_in_catalogue.h).
absl::StatusOr<ScenarioCatalogue> LoadConfiguredCatalogue(const std::string& config_path,
                                                          const std::string& configured);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_SCHEMA_SCENARIO_CATALOGUE_H_
