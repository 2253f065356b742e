// The Report a synthetic factory's agent sends for one window, filled as
// agent/sampler.cc and agent/agent_runtime.cc fill it: identity, session,
// sequence and window; every configured scenario with its catalogue id,
// link, built / ai_declared and the window's inference count (0 when its
// model served none); assets; one ISO 22400 element set per work unit, no
// time element longer than the window; the agent's health.
//
//   ReportStamp stamp;
//   stamp.node_id = "edge-1";
//   stamp.session_id = session;
//   stamp.sequence = sequence;
//   stamp.window_start_ms = end_ms - 10000;
//   stamp.window_end_ms = end_ms;
//   BuildReport(profile, stamp, &report);  // reuses report's storage
#ifndef FTEL_BENCH_SYNTHETIC_REPORT_BUILDER_H_
#define FTEL_BENCH_SYNTHETIC_REPORT_BUILDER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "bench/synthetic/factory_profile.h"
#include "ftel/v1/report.pb.h"

namespace ftel {

// What differs between a node's reports, and which part of the factory the
// node covers: a factory of `nodes` edge boxes has scenario i, work unit i
// and a share of every asset count on node i % nodes, so that merged over
// its nodes the factory is its profile.
struct ReportStamp {
  std::string node_id;
  uint64_t session_id = 0;
  uint64_t sequence = 0;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  // Report.uncommitted_from; 0: no claim.
  uint64_t uncommitted_from = 0;
  int node = 0;
  int nodes = 1;
  std::optional<v1::AgentHealth> health;
};

// Clears `report` and fills it (clearing keeps the storage of its repeated
// fields, so a reused report costs no allocation per window).
void BuildReport(const FactoryProfile& profile, const ReportStamp& stamp, v1::Report* report);

// Node `node`'s share of `count` when it is split over `nodes`: the shares
// add up to `count`, and the share of a smaller count is never larger.
uint32_t NodeShare(uint32_t count, int node, int nodes);

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_REPORT_BUILDER_H_
