// What the results need of a node's newest report, kept instead of the
// report: its window, the published health figures, the inventory and each
// scenario's coverage flags, with scenario ids and links held once in the
// state's StringPool. About 24 bytes a scenario, against a few hundred for
// the report's message (with its evidence ids), which the state store would
// also write on every save.
//
//   NewestReport newest;
//   newest.Assign(report, &pool);           // the report's figures
//   newest.SaveTo(snapshot.mutable_newest());
//   newest.Release(&pool);                  // before it is dropped
#ifndef FTEL_AGGREGATOR_STATE_NEWEST_REPORT_H_
#define FTEL_AGGREGATOR_STATE_NEWEST_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "aggregator/state/string_pool.h"
#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"

namespace ftel {

struct NewestScenario {
  // Pooled: the catalogue id, or "custom:" and the custom id.
  const std::string* key = nullptr;
  // Pooled.
  const std::string* link = nullptr;
  // 0: the aggregator's default horizon.
  uint32_t evidence_horizon_s = 0;
  bool custom = false;
  bool built = false;
  bool ai_declared = false;

  // The id without "custom:".
  std::string id() const;
};

// Holds pooled strings: Release before it is dropped or replaced wholesale
// (Assign and RestoreFrom release what they replace).
struct NewestReport {
  uint64_t session_id = 0;
  uint64_t sequence = 0;
  uint64_t uncommitted_from = 0;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  uint64_t spool_pending = 0;
  // dropped_full + dropped_expired + dropped_disk_full.
  uint64_t dropped = 0;
  v1::InventoryCounts inventory;
  std::vector<NewestScenario> scenarios;

  void Assign(const v1::Report& report, StringPool* pool);
  void SaveTo(v1::NewestReport* out) const;
  void RestoreFrom(const v1::NewestReport& in, StringPool* pool);
  void Release(StringPool* pool);
};

// A state file's or an older peer's whole report, in the form kept now.
v1::NewestReport NewestOf(const v1::Report& report);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_NEWEST_REPORT_H_
