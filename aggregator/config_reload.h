// The aggregator's config reload (SIGHUP, `systemctl reload
// ftel-aggregator`): the file is read and checked again as at start; a
// config with problems is refused and the running one stays. What the
// process was built around (the broker, the state file, the HTTP listener,
// the topic root and the shared group) is refused too, naming each key:
// those take a restart.
//
//   absl::StatusOr<LoadedAggregatorConfig> next = PrepareAggregatorReload(running);
#ifndef FTEL_AGGREGATOR_CONFIG_RELOAD_H_
#define FTEL_AGGREGATOR_CONFIG_RELOAD_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "aggregator/aggregator_config.h"

namespace ftel {

// Reads `running.path` again. InvalidArgument with every problem, one per
// line, as at start; FailedPrecondition naming the keys that changed but
// apply only at a restart.
absl::StatusOr<LoadedAggregatorConfig> PrepareAggregatorReload(
    const LoadedAggregatorConfig& running);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_CONFIG_RELOAD_H_
