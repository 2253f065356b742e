#include "aggregator/fleet_state.h"

namespace ftel {

ReportOutcome FleetState::ApplyReport(const v1::Report& report) {
  NodeRecord& node = nodes_[{report.identity().factory_id(), report.identity().node_id()}];
  const auto key = std::make_pair(report.session_id(), report.sequence());
  if (node.windows.count(key) > 0) {
    ++node.duplicates;
    return ReportOutcome::kDuplicate;
  }
  const int64_t newest = node.has_report ? node.latest.window_end_ms() : report.window_end_ms();
  if (report.window_end_ms() < newest - kpi_horizon_ms_) return ReportOutcome::kOutsideHorizon;

  ++node.reports;
  NodeRecord::Window& window = node.windows[key];
  window.end_ms = report.window_end_ms();
  window.totals.windows = 1;
  for (const v1::WorkUnitElements& elements : report.work_units()) window.totals.Add(elements);

  if (!node.has_report || report.window_end_ms() >= node.latest.window_end_ms()) {
    node.has_report = true;
    node.identity = report.identity();
    node.latest = report;
    node.latest.clear_work_units();
    // Drop windows that fell out of the horizon.
    const int64_t cutoff = report.window_end_ms() - kpi_horizon_ms_;
    for (auto it = node.windows.begin(); it != node.windows.end();) {
      it = it->second.end_ms < cutoff ? node.windows.erase(it) : std::next(it);
    }
  }
  return ReportOutcome::kAccepted;
}

void FleetState::ApplyStatus(const v1::NodeStatus& status) {
  NodeRecord& node = nodes_[{status.identity().factory_id(), status.identity().node_id()}];
  if (node.status_seen && status.started_at_ms() < node.status_started_at_ms) return;
  node.status_seen = true;
  node.status_online = status.state() == v1::NodeStatus::ONLINE;
  node.status_started_at_ms = status.started_at_ms();
  if (!node.has_report) node.identity = status.identity();
}

}  // namespace ftel
