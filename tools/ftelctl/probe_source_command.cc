// ftelctl probe-source: one live read of one source of an agent config, as
// the agent would do it, printed per bound scenario and work unit: the tool
// a technician uses while wiring a register map or a metric name. It reads
// two windows (a counter needs its baseline in the first) and exits 0 when
// every figure of the second is known, 1 when one is not (with the reason).
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "agent/agent_config.h"
#include "agent/sources/kpi_source.h"
#include "tools/ftelctl/commands.h"

namespace ftel {
namespace {

std::string Elements(const v1::WorkUnitElements& e) {
  return absl::StrFormat(
      "PBT %.1f s, APT %.1f s, PRU %.2f s, produced %d, good %d, scrap %d, rework %d, "
      "inspected %d, first-pass good %d, failures %d, energy %.3f kWh",
      e.planned_busy_time_s(), e.actual_production_time_s(), e.planned_run_time_per_unit_s(),
      e.produced_quantity(), e.good_quantity(), e.scrap_quantity(), e.rework_quantity(),
      e.inspected_parts(), e.good_parts_first_pass(), e.failure_events(), e.energy_kwh());
}

// Prints a window's figures; returns how many were unknown.
int PrintWindow(int number, double seconds, const SourceBindings& bound, const SourceWindow& seen) {
  int unknown = 0;
  std::printf("window %d (%.1f s):\n", number, seconds);
  for (const std::string& id : bound.scenario_ids) {
    auto it = seen.inferences.find(id);
    if (it != seen.inferences.end() && it->second.known()) {
      std::printf("  scenario %s: %llu inferences\n", id.c_str(),
                  static_cast<unsigned long long>(*it->second.value));
    } else {
      ++unknown;
      std::printf("  scenario %s: unknown: %s\n", id.c_str(),
                  it == seen.inferences.end() ? "the source gave nothing for it"
                                              : it->second.unknown_reason.c_str());
    }
  }
  for (const std::string& id : bound.work_unit_ids) {
    auto it = seen.work_units.find(id);
    if (it != seen.work_units.end() && it->second.known()) {
      std::printf("  work unit %s: %s\n", id.c_str(), Elements(*it->second.value).c_str());
    } else {
      ++unknown;
      std::printf("  work unit %s: unknown: %s\n", id.c_str(),
                  it == seen.work_units.end() ? "the source gave nothing for it"
                                              : it->second.unknown_reason.c_str());
    }
  }
  return unknown;
}

}  // namespace

int RunProbeSource(const ProbeSourceArgs& args) {
  const double window_s = args.window_s;
  absl::StatusOr<LoadedAgentConfig> loaded = LoadAgentConfig(args.config);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftelctl: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  const std::string& name = args.source;
  const v1::SourceConfig* config = nullptr;
  int index = 0;
  for (int i = 0; i < loaded->config.sources_size(); ++i) {
    if (loaded->config.sources(i).name() == name) {
      config = &loaded->config.sources(i);
      index = i;
    }
  }
  if (config == nullptr) {
    std::fprintf(stderr, "ftelctl: %s has no source named '%s'\n", args.config.c_str(),
                 name.c_str());
    return 1;
  }
  SourceBindings bound;
  const auto bindings = BindSources(loaded->config);
  if (auto it = bindings.find(name); it != bindings.end()) bound = it->second;
  bound.interval_ms = static_cast<int64_t>(window_s * 1000);
  ConfigProblems problems(loaded->path);
  std::unique_ptr<KpiSource> source =
      BuiltinSources().Create(*config, bound, absl::StrCat("sources[", index, "]"), &problems);
  if (source == nullptr) {
    std::fprintf(stderr, "ftelctl: %s\n", std::string(problems.ToStatus().message()).c_str());
    return 1;
  }
  std::printf("source %s (%s): %zu scenario(s), %zu work unit(s); two windows of %.1f s\n",
              name.c_str(), config->type().c_str(), bound.scenario_ids.size(),
              bound.work_unit_ids.size(), window_s);
  if (absl::Status started = source->Start(); !started.ok()) {
    std::fprintf(stderr, "ftelctl: %s\n", std::string(started.message()).c_str());
    source->Stop();
    return 1;
  }
  int unknown = 0;
  for (int window = 1; window <= 2; ++window) {
    const absl::Time start = absl::Now();
    absl::SleepFor(absl::Seconds(window_s));
    const absl::Time end = absl::Now();
    const SourceWindow seen = source->TakeWindow(ReportWindow{
        absl::ToUnixMillis(start), absl::ToUnixMillis(end), static_cast<uint64_t>(window)});
    unknown = PrintWindow(window, absl::ToDoubleSeconds(end - start), bound, seen);
  }
  source->Stop();
  if (unknown > 0) {
    std::printf("%d figure(s) unknown in the second window\n", unknown);
    return 1;
  }
  std::printf("every figure known\n");
  return 0;
}

}  // namespace ftel
