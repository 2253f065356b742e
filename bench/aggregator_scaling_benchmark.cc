// Aggregator scaling: CPU time per report (decode, validate, de-duplicate,
// apply) and resident memory with 10 to 100,000 factories (43,715: the MIIT
// pyramid); the time of one full recompute of every result (what a start
// costs), of the incremental recompute the service runs after 1,000
// factories reported, and of one after nothing changed; the state file's
// size and the time a start takes to load it. The per-report cost should
// stay flat.
//
//   ftel_bench_aggregator_scaling [max_factories]
#include <malloc.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "aggregator/engine/penetration_engine.h"
#include "aggregator/input/input_validator.h"
#include "aggregator/state/fleet_state.h"
#include "aggregator/state/state_store.h"
#include "bench/synthetic/typical_report.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kNow = 1800000000000;

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int64_t RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kib = 0;
      (void)absl::SimpleAtoi(line.substr(6, line.find("kB") - 6), &kib);
      return kib;
    }
  }
  return 0;
}

struct Row {
  int factories;
  double us_per_report;
  double recompute_ms;
  double incremental_ms;
  double unchanged_ms;
  // The fleet state alone (after ingest), per factory; and the whole
  // process after the results cache and its snapshots were built.
  double state_bytes_per_factory;
  int64_t rss_mib;
  double file_bytes_per_factory;
  // What a save writes for one node besides its new windows.
  size_t row_bytes;
  // CPU of saving every node again (each row updated, as a save after every
  // factory reported does; its windows are written again too, which a real
  // save would not), per factory.
  double save_us_per_factory;
  double load_s;
};

// `windows`: at least this many 10 s windows per factory before the
// measured ones (360 fills the default one-hour KPI horizon).
Row Measure(const ScenarioCatalogue& catalogue, int factories, int windows) {
  const InputValidator validator("ftel", &catalogue, ValidationLimits{262144, 300000});
  FleetState state(3600000);
  // What the previous, larger-or-smaller fleet freed goes back to the system
  // first, so that each row's memory is its own.
  malloc_trim(0);
  const int64_t rss_before = RssKib();
  const v1::Report base = TypicalReport(catalogue, "f0", 1, kNow - 60000);
  v1::Report report = base;
  // Every factory reports twice before timing starts; then a steady stream.
  const int measured = std::max(20000, factories);
  const int warmup = std::max(2 * factories, windows * factories - measured);
  // 10 s windows, contiguous per factory and ending before now: the typical
  // report's work units are a 10 s window's, and in a shorter one their
  // times would be longer than the window (the validator rejects that).
  const int64_t rounds = (warmup + measured - 1) / factories + 1;
  auto window_end = [&](int64_t round) { return kNow - (rounds + 1 - round) * 10000; };
  double cpu = 0;
  std::string topic;
  ValidationResult result;  // reused, as the service reuses it
  for (int i = 0; i < warmup + measured; ++i) {
    const int factory = i % factories;
    const uint64_t round = static_cast<uint64_t>(i / factories) + 1;
    const std::string id = absl::StrCat("f", factory);
    report.mutable_identity()->set_factory_id(id);
    report.set_sequence(round);
    report.set_window_end_ms(window_end(static_cast<int64_t>(round)));
    report.set_window_start_ms(report.window_end_ms() - 10000);
    topic = absl::StrCat("ftel/v1/node/", id, "/edge-1/report");
    MqttMessage message{topic, report.SerializeAsString(), 1, false};
    const double start = CpuSeconds();
    validator.Validate(message, kNow, &result);
    if (result.kind == ValidationResult::Kind::kReport) state.ApplyReport(result.report);
    if (i >= warmup) cpu += CpuSeconds() - start;
    // A rejected report would time the rejection, not the ingest.
    if (result.kind != ValidationResult::Kind::kReport) {
      std::fprintf(stderr, "report rejected: %s\n", result.detail.c_str());
      std::abort();
    }
  }
  const double state_bytes =
      static_cast<double>(RssKib() - rss_before) * 1024.0 / static_cast<double>(factories);
  const double recompute_start = CpuSeconds();
  const FleetResults results = ComputeResults(state, catalogue, kNow, 300000);
  const double recompute_s = CpuSeconds() - recompute_start;
  if (static_cast<int>(results.factories.size()) != factories) std::abort();

  // The service's way: a cache brought up to date, then 1,000 more reports
  // (or one per factory for smaller fleets) and one incremental recompute.
  ResultsCache cache(catalogue, 300000);
  cache.Update(state, state.TakeChangedFactories(), kNow);
  const int changed = std::min(1000, factories);
  for (int f = 0; f < changed; ++f) {
    report.mutable_identity()->set_factory_id(absl::StrCat("f", f));
    report.set_sequence(1000000);
    report.set_window_start_ms(window_end(rounds + 1) - 10000);
    report.set_window_end_ms(window_end(rounds + 1));
    state.ApplyReport(report);
  }
  const double incremental_start = CpuSeconds();
  std::vector<std::string> rebuilt;
  auto updated = cache.Update(state, state.TakeChangedFactories(), kNow, &rebuilt);
  const double incremental_s = CpuSeconds() - incremental_start;
  if (static_cast<int>(rebuilt.size()) != changed) std::abort();
  // What a recompute costs whatever changed: the snapshot of every factory's
  // summary (shared, not copied) and the groups' summaries.
  updated.reset();
  const double unchanged_start = CpuSeconds();
  updated = cache.Update(state, {}, kNow, &rebuilt);
  const double unchanged_s = CpuSeconds() - unchanged_start;
  if (!rebuilt.empty()) std::abort();
  const int64_t rss_mib = (RssKib() - rss_before) / 1024;

  // The state file a start loads: every node saved (as the service saves a
  // batch), then loaded into an empty state, timed by the wall clock as a
  // start waits for it.
  TempDir dir;
  const std::string path = dir.path() + "/aggregator.db";
  std::set<FleetState::NodeKey> all;
  for (const auto& [key, node] : state.nodes()) all.insert(key);
  double save_s = 0;
  {
    auto store = StateStore::Open(path);
    if (!store.ok() || !(*store)->Save(state, all).ok()) std::abort();
    const double save_start = CpuSeconds();
    if (!(*store)->Save(state, all).ok()) std::abort();
    save_s = CpuSeconds() - save_start;
  }
  struct stat file;
  if (stat(path.c_str(), &file) != 0) std::abort();
  const auto load_start = std::chrono::steady_clock::now();
  FleetState loaded(3600000);
  {
    auto store = StateStore::Open(path);
    if (!store.ok()) std::abort();
    auto count = (*store)->Load(&loaded);
    if (!count.ok() || *count != all.size()) std::abort();
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  std::string row;
  state.SerializeWithoutWindows(*all.begin(), &row);
  return Row{factories,
             cpu / measured * 1e6,
             recompute_s * 1e3,
             incremental_s * 1e3,
             unchanged_s * 1e3,
             state_bytes,
             rss_mib,
             static_cast<double>(file.st_size) / factories,
             row.size(),
             save_s * 1e6 / factories,
             load_s};
}

}  // namespace
}  // namespace ftel

int main(int argc, char** argv) {
  int max_factories = 100000;
  int windows = 0;
  if ((argc > 1 && !absl::SimpleAtoi(argv[1], &max_factories)) ||
      (argc > 2 && !absl::SimpleAtoi(argv[2], &windows))) {
    std::fprintf(stderr,
                 "usage: ftel_bench_aggregator_scaling [max_factories [windows_per_factory]]\n"
                 "  windows_per_factory: 10 s windows each factory holds (default: 3 or 4;\n"
                 "  360 fills the default one-hour KPI horizon)\n");
    return 2;
  }
  auto catalogue = ftel::ScenarioCatalogue::Load(FTEL_SOURCE_DIR "/config/scenario-catalogue.tsv");
  if (!catalogue.ok()) return 1;
  std::printf("%-10s %14s %18s %23s %19s %16s %12s %16s %10s %16s %13s\n", "factories",
              "cpu us/report", "full recompute ms", "after 1,000 reports ms", "nothing changed ms",
              "state B/factory", "total MiB", "file B/factory", "row B", "save us/factory",
              "load file s");
  for (int factories : {10, 1000, 10000, 43715, 100000}) {
    if (factories > max_factories) break;
    const ftel::Row row = ftel::Measure(*catalogue, factories, windows);
    std::printf("%-10d %14.2f %18.1f %23.1f %19.2f %16.0f %12lld %16.0f %10zu %16.1f %13.2f\n",
                row.factories, row.us_per_report, row.recompute_ms, row.incremental_ms,
                row.unchanged_ms, row.state_bytes_per_factory, static_cast<long long>(row.rss_mib),
                row.file_bytes_per_factory, row.row_bytes, row.save_us_per_factory, row.load_s);
    std::fflush(stdout);
  }
  return 0;
}
