#include "bench/load_generator/load_options.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libftel/mqtt/topic_scheme.h"

namespace ftel {

const char kLoadUsage[] =
    "usage: ftel-loadgen [--broker URI] [--factories N] [--nodes-per-factory K]\n"
    "                    [--interval-ms I] [--duration-s D] [--connections C]\n"
    "                    [--max-inflight M] [--pyramid] [--seed S] [--topic-root R]\n"
    "                    [--catalogue PATH] [--id-prefix P] [--aggregator-port PORT]\n"
    "                    [--results-timeout-s T]\n"
    "Synthetic agents for N factories (K nodes each, ids P-00000...) publish a report\n"
    "every I ms for D s over C MQTT connections (QoS 1, M unacknowledged at most per\n"
    "connection), after an ONLINE status each. Then it waits up to T s for the\n"
    "aggregator's retained results and prints what it sent against what the\n"
    "aggregator counted. --pyramid draws the MIIT levels (basic, advanced, excellent,\n"
    "leading) in the ministry's proportions, with the coverage typical of each, and\n"
    "prints the factories at the 20/60/70 % marks per level; without it every\n"
    "factory is the benchmarks' typical one. --seed (default 1) fixes the fleet;\n"
    "session ids are new every run. --aggregator-port reads the aggregator's\n"
    "rejections from http://127.0.0.1:PORT/metrics. Defaults: tcp://127.0.0.1:1883,\n"
    "1000 factories, 1 node, 10000 ms, 60 s, 4 connections, 32 in flight, root ftel,\n"
    "prefix lg, 60 s. Exit status 0 when every acknowledged report was counted once\n"
    "and none was rejected, 3 when not, 1 on an error, 2 on a usage error.\n";

namespace {

absl::Status ParseInt(const std::string& flag, const std::string& value, int low, int high,
                      int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < low || *out > high) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " must be a whole number from ", low,
                                                   " to ", high, ", got '", value, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LoadOptions> ParseLoadOptions(int argc, char** argv,
                                             const std::string& default_catalogue) {
  LoadOptions options;
  options.catalogue_path = default_catalogue;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return absl::CancelledError(kLoadUsage);
    if (flag == "--pyramid") {
      options.pyramid = true;
      continue;
    }
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
    const std::string value = argv[++i];
    absl::Status parsed;
    if (flag == "--broker") {
      options.broker = value;
    } else if (flag == "--factories") {
      parsed = ParseInt(flag, value, 1, 1000000, &options.factories);
    } else if (flag == "--nodes-per-factory") {
      parsed = ParseInt(flag, value, 1, 100, &options.nodes_per_factory);
    } else if (flag == "--interval-ms") {
      // The agent's publish_interval_ms allows 100 ms and up.
      parsed = ParseInt(flag, value, 100, 3600000, &options.interval_ms);
    } else if (flag == "--duration-s") {
      parsed = ParseInt(flag, value, 1, 7 * 86400, &options.duration_s);
    } else if (flag == "--connections") {
      parsed = ParseInt(flag, value, 1, 256, &options.connections);
    } else if (flag == "--max-inflight") {
      parsed = ParseInt(flag, value, 1, 1024, &options.max_inflight);
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value, &options.seed)) {
        parsed =
            absl::InvalidArgumentError(absl::StrCat("--seed must be a number, got '", value, "'"));
      }
    } else if (flag == "--topic-root") {
      options.topic_root = value;
    } else if (flag == "--catalogue") {
      options.catalogue_path = value;
    } else if (flag == "--id-prefix") {
      options.id_prefix = value;
      // The longest factory id it makes must still be an id.
      if (!IsValidId(value + "-1000000")) {
        parsed = absl::InvalidArgumentError(absl::StrCat(
            "--id-prefix must be [a-z0-9-], not start with '-', at most 56 characters, got '",
            value, "'"));
      }
    } else if (flag == "--aggregator-port") {
      parsed = ParseInt(flag, value, 1, 65535, &options.aggregator_port);
    } else if (flag == "--results-timeout-s") {
      parsed = ParseInt(flag, value, 1, 3600, &options.results_timeout_s);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag, "\n", kLoadUsage));
    }
    if (!parsed.ok()) return parsed;
  }
  if (options.connections > options.factories * options.nodes_per_factory) {
    options.connections = options.factories * options.nodes_per_factory;
  }
  return options;
}

}  // namespace ftel
