// The two static factories whose rates the integration tests know by hand:
// alpha (electronics, jiangsu) and beta (equipment, guangdong). Fleet:
// declared (3 + 1) / (5 + 4) = 44.4%, observed 3 / 9, terminals 7 / 40.
// Configs use the placeholders URI and CATALOGUE.
#ifndef FTEL_TESTS_INTEGRATION_TWO_FACTORY_FLEET_H_
#define FTEL_TESTS_INTEGRATION_TWO_FACTORY_FLEET_H_

namespace ftel {

// alpha: 5 built catalogue scenarios, 3 declare AI, 2 of them show inferences
// (PM-02 shows none); RD-01 is not built; x-vision is custom.
inline constexpr char kAlphaConfig[] = R"(broker: {uri: 'URI'}
identity: {factory_id: alpha, node_id: edge-1, factory_name: Alpha Works, sector: electronics, region: jiangsu}
publish_interval_ms: 200
catalogue_path: CATALOGUE
spool: {dir: spool-alpha}
sources:
  - name: plc
    type: static
    fixed:
      inference_counts: {PM-01: 50, PO-05: 10, x-vision: 5}
      work_units:
        - {work_unit_id: wu-a, planned_busy_time_s: 0.1, actual_production_time_s: 0.08, planned_run_time_per_unit_s: 0.0005, produced_quantity: 120, good_quantity: 114, scrap_quantity: 4, rework_quantity: 2, good_parts_first_pass: 110, inspected_parts: 120, time_between_failures_s: 0.08, time_to_restoration_s: 0.02, failure_events: 2, energy_kwh: 12}
        - {work_unit_id: wu-b, planned_busy_time_s: 0.1, actual_production_time_s: 0.05, planned_run_time_per_unit_s: 0.001, produced_quantity: 40, good_quantity: 40, energy_kwh: 8}
scenarios:
  - {id: PM-01, built: true, ai_declared: true, evidence_source: plc}
  - {id: PM-02, built: true, ai_declared: true, evidence_source: plc}
  - {id: PO-05, built: true, ai_declared: true, evidence_source: plc}
  - {id: PO-08, built: true}
  - {id: PO-09, built: true}
  - {id: RD-01, built: false}
  - {id: x-vision, custom: true, link: PO, built: true, ai_declared: true, evidence_source: plc}
inventory: {terminals: 10, ai_capable_terminals: 4, key_equipment: 8, ai_enabled_key_equipment: 2, industrial_software: 5, vertical_models: 3, industrial_agents: 1}
work_units:
  - {id: wu-a, source: plc}
  - {id: wu-b, source: plc}
)";

// beta: 4 built, 1 declares AI and shows inferences.
inline constexpr char kBetaConfig[] = R"(broker: {uri: 'URI'}
identity: {factory_id: beta, node_id: edge-1, factory_name: Beta Machinery, sector: equipment, region: guangdong}
publish_interval_ms: 200
catalogue_path: CATALOGUE
spool: {dir: spool-beta}
sources:
  - name: plc
    type: static
    fixed:
      inference_counts: {PM-01: 7}
      work_units:
        - {work_unit_id: press, planned_busy_time_s: 0.1, actual_production_time_s: 0.09, planned_run_time_per_unit_s: 0.001, produced_quantity: 72, good_quantity: 70}
scenarios:
  - {id: PM-01, built: true, ai_declared: true, evidence_source: plc}
  - {id: PM-03, built: true}
  - {id: PM-04, built: true}
  - {id: PO-01, built: true}
inventory: {terminals: 30, ai_capable_terminals: 3, key_equipment: 12, ai_enabled_key_equipment: 6, industrial_software: 2, vertical_models: 1, industrial_agents: 0}
work_units:
  - {id: press, source: plc}
)";

// Fleet OEE in percent when alpha sent `a` windows and beta `b`: the
// elements are summed first (alpha per window: PBT 0.2 s, sum PRU x PQ 0.1 s,
// PQ 160, GQ 154; beta: 0.1 s, 0.072 s, 72, 70), then divided; the times are
// in thousandths so that the formula below reads in whole numbers. Times stay
// within the 200 ms window: aggregators reject a longer one.
inline double FleetOeePercent(double a, double b) {
  return 100.0 * (a * 100 + b * 72) / (a * 200 + b * 100) * (a * 154 + b * 70) / (a * 160 + b * 72);
}

}  // namespace ftel

#endif  // FTEL_TESTS_INTEGRATION_TWO_FACTORY_FLEET_H_
