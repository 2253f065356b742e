// A synthetic factory as its agents' configs would describe it, fixed for a
// run: identity, the catalogue scenarios it configured (built or not,
// AI-declared or not, with inferences or not), its assets and its work units
// with the rates their ISO 22400 elements follow. report_builder.h turns it
// into the Report one of its agents sends for one window.
#ifndef FTEL_BENCH_SYNTHETIC_FACTORY_PROFILE_H_
#define FTEL_BENCH_SYNTHETIC_FACTORY_PROFILE_H_

#include <string>
#include <vector>

#include "ftel/v1/report.pb.h"

namespace ftel {

struct ProfileScenario {
  std::string catalogue_id;
  std::string link;
  bool built = false;
  bool ai_declared = false;
  // Inferences per second the scenario's model serves; 0: none are seen
  // (declared, but no evidence). Every window with a rate above 0 carries at
  // least one inference, so the scenario stays AI-observed.
  double inferences_per_s = 0;
  // The vertical model bound to it; empty for none.
  std::string model_id;
};

// The rates one work unit's elements follow; each window's elements are
// these applied to the window's length.
struct ProfileWorkUnit {
  std::string id;
  double availability = 0.9;  // APT / PBT
  double performance = 0.9;   // PRU x PQ / APT
  double quality = 0.95;      // GQ / PQ, and GP / IP
  double planned_run_time_per_unit_s = 1;
  // Of the parts that are not good, the share scrapped; the rest is reworked.
  double scrap_share = 0.5;
  double energy_kwh_per_unit = 0.1;
  double failures_per_hour = 0;
};

struct FactoryProfile {
  std::string factory_id;
  std::string factory_name;
  std::string sector;
  std::string region;
  std::vector<ProfileScenario> scenarios;
  v1::InventoryCounts inventory;
  std::vector<ProfileWorkUnit> work_units;
  // How much quantities and inference counts vary from window to window,
  // 0 to 1 (0: every window of one length has the same figures).
  double variation = 0;
  // Salts the per-window variation, so that factories vary independently.
  uint64_t variation_seed = 0;

  int built() const {
    int n = 0;
    for (const ProfileScenario& s : scenarios) n += s.built;
    return n;
  }
  int declared() const {
    int n = 0;
    for (const ProfileScenario& s : scenarios) n += s.built && s.ai_declared;
    return n;
  }
  // Built scenarios with inferences: what the aggregator counts as observed.
  int evidenced() const {
    int n = 0;
    for (const ProfileScenario& s : scenarios) n += s.built && s.inferences_per_s > 0;
    return n;
  }
};

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_FACTORY_PROFILE_H_
