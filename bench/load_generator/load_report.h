// What ftel-loadgen prints at the end of a run, and its verdict: every
// acknowledged report counted exactly once, none rejected, every factory's
// result as it was drawn.
#ifndef FTEL_BENCH_LOAD_GENERATOR_LOAD_REPORT_H_
#define FTEL_BENCH_LOAD_GENERATOR_LOAD_REPORT_H_

#include <string>
#include <vector>

#include "bench/load_generator/level_table.h"
#include "bench/load_generator/load_options.h"
#include "bench/load_generator/load_run.h"

namespace ftel {

struct LoadVerdict {
  // What fell short; empty when the run was exact.
  std::vector<std::string> problems;
  bool exact() const { return problems.empty(); }
};

LoadVerdict Judge(const LoadOutcome& outcome, const std::vector<LevelRow>& table, int factories);

// The report: the run, what was sent, what the aggregator counted, the
// fleet's rates, the level table, and one last line of key=value pairs for
// scripts and tests:
//   loadgen: acknowledged=N counted=N duplicates=0 rejected=0 lost=0 ...
std::string FormatOutcome(const LoadOptions& options, const LoadOutcome& outcome,
                          const std::vector<LevelRow>& table, const LoadVerdict& verdict);

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_LOAD_REPORT_H_
