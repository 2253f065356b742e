// ftel-loadgen: synthetic agents for a whole fleet, publishing real reports
// on real topics through the project's MQTT transport, and what the
// aggregator made of them. See bench/README.md.
//
//   ftel-loadgen --broker tcp://127.0.0.1:1883 --factories 43715 --pyramid
//       --interval-ms 10000 --duration-s 300 --aggregator-port 9464
#include <cstdio>
#include <string>

#include "bench/load_generator/level_table.h"
#include "bench/load_generator/load_options.h"
#include "bench/load_generator/load_report.h"
#include "bench/load_generator/load_run.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/schema/scenario_catalogue.h"

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::Install();
  absl::StatusOr<ftel::LoadOptions> options =
      ftel::ParseLoadOptions(argc, argv, FTEL_SOURCE_DIR "/config/scenario-catalogue.tsv");
  if (absl::IsCancelled(options.status())) {
    std::fputs(ftel::kLoadUsage, stdout);
    return 0;
  }
  if (!options.ok()) {
    std::fprintf(stderr, "ftel-loadgen: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<ftel::ScenarioCatalogue> catalogue =
      ftel::ScenarioCatalogue::Load(options->catalogue_path);
  if (!catalogue.ok()) {
    std::fprintf(stderr, "ftel-loadgen: %s\n", std::string(catalogue.status().message()).c_str());
    return 1;
  }
  if (static_cast<int64_t>(options->duration_s) * 1000 < options->interval_ms) {
    std::fprintf(stderr,
                 "ftel-loadgen: --duration-s is shorter than one interval: some nodes send "
                 "no report\n");
  }
  ftel::LoadRun run(*options, &*catalogue);
  absl::StatusOr<ftel::LoadOutcome> outcome = run.Run(stop);
  if (!outcome.ok()) {
    std::fprintf(stderr, "ftel-loadgen: %s\n", std::string(outcome.status().message()).c_str());
    return 1;
  }
  const std::vector<ftel::LevelRow> table = ftel::MakeLevelTable(run.fleet(), outcome->results);
  const ftel::LoadVerdict verdict = ftel::Judge(*outcome, table, options->factories);
  std::fputs(ftel::FormatOutcome(*options, *outcome, table, verdict).c_str(), stdout);
  std::fflush(stdout);
  return verdict.exact() ? 0 : 3;
}
