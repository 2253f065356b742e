// ftel-loadgen's command line.
#ifndef FTEL_BENCH_LOAD_GENERATOR_LOAD_OPTIONS_H_
#define FTEL_BENCH_LOAD_GENERATOR_LOAD_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ftel {

struct LoadOptions {
  std::string broker = "tcp://127.0.0.1:1883";
  int factories = 1000;
  int nodes_per_factory = 1;
  int interval_ms = 10000;
  int duration_s = 60;
  int connections = 4;
  // Unacknowledged QoS 1 publishes per connection, as an agent's
  // spool.max_inflight (default 32).
  int max_inflight = 32;
  bool pyramid = false;
  uint64_t seed = 1;
  std::string topic_root = "ftel";
  std::string catalogue_path;
  std::string id_prefix = "lg";
  // The aggregator's HTTP port on 127.0.0.1 (its http_listen), to read its
  // rejection counters from /metrics; 0: not read.
  int aggregator_port = 0;
  // How long to wait for the aggregator's results after the last report.
  int results_timeout_s = 60;
};

extern const char kLoadUsage[];

// The options, with the catalogue path defaulting to `default_catalogue`.
// Cancelled (with the usage as message) for --help; InvalidArgument naming
// the flag otherwise.
absl::StatusOr<LoadOptions> ParseLoadOptions(int argc, char** argv,
                                             const std::string& default_catalogue);

}  // namespace ftel

#endif  // FTEL_BENCH_LOAD_GENERATOR_LOAD_OPTIONS_H_
