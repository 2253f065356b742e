// ftelctl history: a rate's history from the aggregator's state file, one
// JSON line per hour or day, oldest first.
//
//   ftelctl history --state-file /var/lib/ftel/aggregator.db --kind sector --key
//   electronics
#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "aggregator/aggregator_config.h"
#include "aggregator/state/state_store.h"
#include "libftel/schema/proto_json.h"
#include "tools/ftelctl/commands.h"

namespace ftel {

int RunHistory(const HistoryArgs& args) {
  const std::string path = args.state_file.empty() ? kDefaultStateFile : args.state_file;
  const std::string& kind = args.kind;
  const std::string key = args.key.empty() && kind == "fleet" ? "all" : args.key;
  const std::string& granularity = args.granularity;
  const int last = args.last;
  // The parser checked the kind, the granularity and --last.
  if (key.empty()) {
    std::fprintf(stderr, "ftelctl history: --key is required for --kind %s\n", kind.c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<StateStore>> store = StateStore::OpenReadOnly(path);
  absl::StatusOr<v1::History> history =
      store.ok() ? (*store)->LoadHistory(kind, key, granularity, last) : store.status();
  if (!history.ok()) {
    std::fprintf(stderr, "ftelctl history: %s\n", std::string(history.status().message()).c_str());
    return 1;
  }
  if (history->points().empty()) {
    std::fprintf(stderr, "ftelctl history: no points for %s/%s (%s) in %s\n", kind.c_str(),
                 key.c_str(), granularity.c_str(), path.c_str());
    return 1;
  }
  for (const v1::HistoryPoint& point : history->points()) {
    const std::string at = absl::FormatTime(
        "%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(point.bucket_start_ms()), absl::UTCTimeZone());
    std::printf("{\"bucket\":\"%s\",\"point\":%s}\n", at.c_str(), ToJson(point).c_str());
  }
  return 0;
}

}  // namespace ftel
