// Where the agent's numbers come from. A source answers for the scenarios and
// work units bound to it in the config; sources are created by type name from
// the registry, so a new kind of source is one file plus one line in
// builtin_sources.cc.
//
//   SourceRegistry registry = BuiltinSources();
//   ASSIGN_OR_RETURN(std::unique_ptr<KpiSource> source, registry.Create(config, bindings));
//   uint64_t n = source->InferenceCount("PM-02", window);
#ifndef FTEL_AGENT_SOURCES_KPI_SOURCE_H_
#define FTEL_AGENT_SOURCES_KPI_SOURCE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ftel/v1/agent_config.pb.h"
#include "ftel/v1/report.pb.h"
#include "libftel/config/config_problems.h"

namespace ftel {

struct ReportWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  uint64_t sequence = 0;
  // Closed early by a step of the wall clock (WindowScheduler).
  bool clock_stepped = false;
};

// What the config binds to one source.
struct SourceBindings {
  std::vector<std::string> scenario_ids;
  std::vector<std::string> work_unit_ids;
};

// Called from the agent's sampling thread only.
class KpiSource {
 public:
  virtual ~KpiSource() = default;
  // AI inferences served for a bound scenario during the window.
  virtual uint64_t InferenceCount(const std::string& scenario_id, const ReportWindow& window) = 0;
  // Fills the elements of a bound work unit; work_unit_id is already set.
  virtual void FillWorkUnit(const ReportWindow& window, v1::WorkUnitElements* elements) = 0;
};

// Checks `config` against `bindings` and creates the source. Must not do I/O
// (validate-config creates sources too). Problems go under `key_prefix`.
using SourceFactory = std::function<std::unique_ptr<KpiSource>(
    const v1::SourceConfig& config, const SourceBindings& bindings, const std::string& key_prefix,
    ConfigProblems* problems)>;

class SourceRegistry {
 public:
  void Register(const std::string& type, SourceFactory factory);
  std::vector<std::string> Types() const;
  // Null, with problems added, when the config is invalid or the type unknown.
  std::unique_ptr<KpiSource> Create(const v1::SourceConfig& config, const SourceBindings& bindings,
                                    const std::string& key_prefix, ConfigProblems* problems) const;

 private:
  std::map<std::string, SourceFactory> factories_;
};

// The registry with every source type ftel ships.
const SourceRegistry& BuiltinSources();

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_KPI_SOURCE_H_
