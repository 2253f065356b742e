// What a node's windows said of each scenario's AI evidence, kept over the
// evidence horizon rather than the newest window (docs/metrics.md#observed):
// a scenario whose model runs hourly stays AI-observed across 10 s windows,
// and drops out once it was silent longer than its horizon. Per scenario:
// the newest window with inferences, the newest window whose count was
// known (a source that could not tell gives no evidence either way), and
// inferences per hour for the total over the horizon.
//
//   EvidenceHistory history;   // its strings in the state's StringPool
//   history.Apply("PM-02", report.window_end_ms(), coverage.evidence(), &pool);
//   EvidenceHistory::Seen seen = history.At("PM-02", newest_end_ms, 86400000);
//   if (seen.observed) ...
#ifndef FTEL_AGGREGATOR_STATE_EVIDENCE_HISTORY_H_
#define FTEL_AGGREGATOR_STATE_EVIDENCE_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "aggregator/state/string_pool.h"
#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"

namespace ftel {

// The key of a scenario in reports: its catalogue id, or "custom:" + id.
std::string ScenarioKey(const v1::ScenarioCoverage& coverage);

class EvidenceHistory {
 public:
  struct Seen {
    // A window within the horizon had a known count.
    bool known = false;
    // A window within the horizon had inferences.
    bool observed = false;
    int64_t last_evidence_ms = 0;
    // Inferences in the hours that end within the horizon.
    uint64_t inferences = 0;
    // Why the newest window's count was unknown, if it was.
    std::string unknown_reason;
  };

  // One window's evidence for one scenario, in any order (late windows too).
  void Apply(const std::string& scenario, int64_t window_end_ms, const v1::AiEvidence& evidence,
             StringPool* pool);
  // As of `reference_ms` (the node's newest window end), over `horizon_ms`.
  Seen At(const std::string& scenario, int64_t reference_ms, int64_t horizon_ms) const;
  // Forgets hours that ended more than `keep_ms` before `reference_ms`, and
  // scenarios with nothing left in them.
  void Prune(int64_t reference_ms, int64_t keep_ms, StringPool* pool);

  void SaveTo(v1::NodeSnapshot* snapshot) const;
  void RestoreFrom(const v1::NodeSnapshot& snapshot, StringPool* pool);
  // Forgets everything, releasing its pooled strings.
  void Clear(StringPool* pool);

 private:
  struct Scenario {
    // Pooled.
    const std::string* key = nullptr;
    // Pooled; null when the newest window's count was known.
    const std::string* unknown_reason = nullptr;
    int64_t last_evidence_ms = 0;
    int64_t last_known_ms = 0;
    int64_t newest_window_end_ms = 0;
    // Hour start -> inferences, ordered; most scenarios hold one or two.
    absl::InlinedVector<std::pair<int64_t, uint64_t>, 1> hours;
  };
  // The scenario's entry, or where it would go.
  std::vector<Scenario>::iterator Find(const std::string& scenario);
  std::vector<Scenario>::const_iterator Find(const std::string& scenario) const;
  void ReleaseStrings(const Scenario& s, StringPool* pool);
  // Ordered by key.
  std::vector<Scenario> scenarios_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_EVIDENCE_HISTORY_H_
