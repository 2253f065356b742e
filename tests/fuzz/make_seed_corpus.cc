// Writes the fuzzer's seed corpus into the directory given as argv[1]: valid
// reports and statuses (one per topic selector) and a few near misses, so
// that the fuzzer starts from inputs that reach deep into validation.
#include <cstdio>
#include <fstream>
#include <string>

#include "ftel/v1/aggregator_state.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

constexpr int64_t kNow = 1800000000000;

ftel::v1::Report Report(const std::string& factory) {
  ftel::v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory);
  report.mutable_identity()->set_node_id("n1");
  report.mutable_identity()->set_sector("electronics");
  report.set_session_id(7);
  report.set_sequence(3);
  report.set_window_start_ms(kNow - 10000);
  report.set_window_end_ms(kNow);
  for (const char* id : {"PM-01", "PO-05"}) {
    auto* s = report.add_scenarios();
    s->set_catalogue_id(id);
    s->set_link(std::string(id).substr(0, 2));
    s->set_built(true);
    s->set_ai_declared(true);
    s->mutable_evidence()->set_inference_count(12);
  }
  auto* custom = report.add_scenarios();
  custom->set_custom_id("x-vision");
  custom->set_link("PO");
  custom->set_built(true);
  report.mutable_inventory()->set_terminals(10);
  report.mutable_inventory()->set_ai_capable_terminals(4);
  auto* unit = report.add_work_units();
  unit->set_work_unit_id("line");
  unit->set_planned_busy_time_s(10);
  unit->set_actual_production_time_s(9);
  unit->set_planned_run_time_per_unit_s(0.5);
  unit->set_produced_quantity(16);
  unit->set_good_quantity(15);
  report.mutable_health()->set_spool_pending(1);
  return report;
}

bool Write(const std::string& dir, const std::string& name, char selector,
           const std::string& payload) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out << selector << payload;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_corpus DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  ftel::v1::NodeStatus status;
  status.set_schema_version(1);
  status.mutable_identity()->set_factory_id("f1");
  status.mutable_identity()->set_node_id("n1");
  status.set_state(ftel::v1::NodeStatus::ONLINE);
  ftel::v1::Report late = Report("f1");
  late.set_is_historical(true);
  late.set_sequence(2);
  ftel::v1::Report bad_counts = Report("f1");
  bad_counts.mutable_work_units(0)->set_good_quantity(99);
  // A peer's delta: one node with one window and its newest report.
  ftel::v1::ClusterDelta delta;
  delta.set_member_id("peer");
  ftel::v1::NodeSnapshot* node = delta.add_nodes();
  *node->mutable_identity() = Report("f1").identity();
  node->set_has_report(true);
  *node->mutable_latest() = Report("f1");
  ftel::v1::WindowSnapshot* window = node->add_windows();
  window->set_session_id(7);
  window->set_sequence(3);
  window->set_start_ms(kNow - 10000);
  window->set_end_ms(kNow);
  bool ok =
      Write(dir, "report", ftel::FuzzSelector(0), Report("f1").SerializeAsString()) &&
      Write(dir, "report-late", ftel::FuzzSelector(0), late.SerializeAsString()) &&
      Write(dir, "report-bad-counts", ftel::FuzzSelector(0), bad_counts.SerializeAsString()) &&
      Write(dir, "report-other-factory", ftel::FuzzSelector(2), Report("f2").SerializeAsString()) &&
      Write(dir, "status", ftel::FuzzSelector(1), status.SerializeAsString()) &&
      Write(dir, "status-cleared", ftel::FuzzSelector(1), "") &&
      Write(dir, "foreign-topic", ftel::FuzzSelector(4), "{\"json\":true}") &&
      Write(dir, "cluster-delta", ftel::FuzzSelector(6), delta.SerializeAsString()) &&
      Write(dir, "own-cluster-delta", ftel::FuzzSelector(7), delta.SerializeAsString());
  return ok ? 0 : 1;
}
