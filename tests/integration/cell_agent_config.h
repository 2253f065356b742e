// The one-cell agent the broker-level integration tests (plain, TLS, ACL)
// start: a static source with known values. Tests prepend their own broker,
// identity and spool lines; CATALOGUE is a placeholder for the catalogue path.
#ifndef FTEL_TESTS_INTEGRATION_CELL_AGENT_CONFIG_H_
#define FTEL_TESTS_INTEGRATION_CELL_AGENT_CONFIG_H_

#include <string>

namespace ftel {

// PO-05 (AI, 42 inferences per window, model vision-v1) and PO-06 built; one
// work unit cell-1: PBT 0.06 s, APT 0.054 s, PRU 0.002 s, PQ 25, GQ 24 (times within the
// 200 ms window); 5 terminals, 1 AI-capable.
inline std::string CellAgentConfig(const std::string& broker_identity_and_spool) {
  return broker_identity_and_spool + R"(publish_interval_ms: 200
catalogue_path: CATALOGUE
sources:
  - name: plc
    type: static
    fixed:
      inference_counts: {PO-05: 42}
      work_units:
        - {work_unit_id: cell-1, planned_busy_time_s: 0.06, actual_production_time_s: 0.054, planned_run_time_per_unit_s: 0.002, produced_quantity: 25, good_quantity: 24}
scenarios:
  - {id: PO-05, built: true, ai_declared: true, evidence_source: plc, model_ids: [vision-v1]}
  - {id: PO-06, built: true}
inventory: {terminals: 5, ai_capable_terminals: 1}
work_units:
  - {id: cell-1, source: plc}
)";
}

}  // namespace ftel

#endif  // FTEL_TESTS_INTEGRATION_CELL_AGENT_CONFIG_H_
