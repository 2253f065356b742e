// Where the agent's numbers come from. A source answers for the scenarios and
// work units bound to it in the config, per window, with a value or with
// "unknown" and why (unreachable, no baseline yet, ...): the agent never
// turns what it could not read into 0. A source that talks to a real system
// polls it on its own thread with its own cadence and timeouts (PollLoop),
// so a slow PLC never delays a window; the window takes what it accumulated.
// Sources are created by type name from the registry, so a new kind of
// source is one folder or file plus one line in builtin_sources.cc.
//
//   SourceRegistry registry = BuiltinSources();
//   std::unique_ptr<KpiSource> source = registry.Create(config, bindings, "sources[0]", &problems);
//   RETURN_IF_ERROR(source->Start());
//   SourceWindow seen = source->TakeWindow(window);  // every window
//   source->Stop();
#ifndef FTEL_AGENT_SOURCES_KPI_SOURCE_H_
#define FTEL_AGENT_SOURCES_KPI_SOURCE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
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
  // The agent's publish_interval_ms: the nominal length of a window.
  int64_t interval_ms = 10000;
};

// One figure of one window: a value, or unknown and why. The reason is
// short, lower case, for operators: "unreachable: connect timeout after
// 2000 ms", "no baseline yet", "no sample".
template <typename T>
struct Figure {
  std::optional<T> value;
  std::string unknown_reason;

  static Figure Known(T v) { return Figure{std::move(v), ""}; }
  static Figure Unknown(std::string reason) { return Figure{std::nullopt, std::move(reason)}; }
  bool known() const { return value.has_value(); }
};

// What a source saw in one window, by bound scenario id and work unit id.
// The elements' work_unit_id may be left empty; the sampler sets it. A bound
// id the source leaves out is reported unknown ("the source gave nothing").
struct SourceWindow {
  std::map<std::string, Figure<uint64_t>> inferences;
  std::map<std::string, Figure<v1::WorkUnitElements>> work_units;
};

class KpiSource {
 public:
  virtual ~KpiSource() = default;
  // Starts the source's own polling, if it polls (threads, connections),
  // once, before the first window. The config was checked at creation; an
  // error here (a thread that cannot start) stops the agent. A system that
  // is unreachable is not an error: its figures are unknown.
  virtual absl::Status Start() { return absl::OkStatus(); }
  // Stops polling; called once before destruction (also without Start).
  virtual void Stop() {}
  // The window [start_ms, end_ms) closed: what the source saw in it. Called
  // from the agent's sampling thread only; never waits on I/O.
  virtual SourceWindow TakeWindow(const ReportWindow& window) = 0;
};

// Checks `config` against `bindings` and creates the source. Must not do I/O
// (validate-config creates sources too). Problems go under `key_prefix`.
using SourceFactory = std::function<std::unique_ptr<KpiSource>(
    const v1::SourceConfig& config, const SourceBindings& bindings, const std::string& key_prefix,
    ConfigProblems* problems)>;

// Makes the relative paths in a source's settings (token, CA, data files)
// relative to the config file's directory, as the rest of the config's are.
using SourcePathResolver =
    std::function<void(const std::string& config_dir, v1::SourceConfig* config)>;

class SourceRegistry {
 public:
  void Register(const std::string& type, SourceFactory factory,
                SourcePathResolver resolve_paths = nullptr);
  // Applies the type's resolver, if it has one (ApplyAgentDefaults).
  void ResolvePaths(const std::string& config_dir, v1::SourceConfig* config) const;
  std::vector<std::string> Types() const;
  // Null, with problems added, when the config is invalid or the type unknown.
  std::unique_ptr<KpiSource> Create(const v1::SourceConfig& config, const SourceBindings& bindings,
                                    const std::string& key_prefix, ConfigProblems* problems) const;

 private:
  std::map<std::string, SourceFactory> factories_;
  std::map<std::string, SourcePathResolver> resolvers_;
};

// The registry with every source type ftel ships.
const SourceRegistry& BuiltinSources();

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_KPI_SOURCE_H_
