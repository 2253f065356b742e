// Encode: reports per second and KPI samples per second on one core for the
// typical report (40 scenarios, 20 work units), and the decode+validate cost
// the aggregator pays for the same bytes.
#include "aggregator/input/input_validator.h"
#include "bench/synthetic/typical_report.h"
#include "benchmark/benchmark.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

const ScenarioCatalogue& Catalogue() {
  static const ScenarioCatalogue* catalogue = new ScenarioCatalogue(
      *ScenarioCatalogue::Load(FTEL_SOURCE_DIR "/config/scenario-catalogue.tsv"));
  return *catalogue;
}

void BM_EncodeTypicalReport(benchmark::State& state) {
  v1::Report report = TypicalReport(Catalogue(), "f1", 1, 1800000000000);
  std::string bytes;
  for (auto _ : state) {
    report.set_sequence(report.sequence() + 1);
    bytes.clear();
    report.SerializeToString(&bytes);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["reports/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  state.counters["kpi_samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * KpiSamples(report), benchmark::Counter::kIsRate);
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_EncodeTypicalReport);

void BM_DecodeAndValidateTypicalReport(benchmark::State& state) {
  const InputValidator validator("ftel", &Catalogue(), ValidationLimits{262144, 300000});
  const MqttMessage message{"ftel/v1/node/f1/edge-1/report",
                            TypicalReport(Catalogue(), "f1", 1, 1800000000000).SerializeAsString(),
                            1, false};
  ValidationResult result;  // reused, as the service reuses it
  for (auto _ : state) {
    validator.Validate(message, 1800000000000, &result);
    benchmark::DoNotOptimize(result.kind);
  }
  state.counters["reports/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeAndValidateTypicalReport);

// A factory's published result, as the aggregator renders it for every
// changed factory: the typical 40-scenario factory.
v1::FactorySummary TypicalFactoryResult() {
  v1::FactorySummary summary;
  summary.set_factory_id("factory-000042");
  summary.set_factory_name("Factory 000042");
  summary.set_sector("electronics");
  summary.set_region("jiangsu");
  summary.set_online(true);
  summary.set_nodes(1);
  summary.set_nodes_online(1);
  for (v1::Ratio* ratio : {summary.mutable_declared(), summary.mutable_observed(),
                           summary.mutable_terminals(), summary.mutable_completeness()}) {
    ratio->set_numerator(27);
    ratio->set_denominator(40);
    ratio->set_percent(67.5);
  }
  summary.mutable_production()->set_oee_percent(76.54321);
  summary.mutable_production()->set_windows(8640);
  summary.set_last_window_end_ms(1800000000000);
  summary.set_reports(8640);
  for (const CatalogueScenario& entry : Catalogue().scenarios()) {
    v1::ScenarioSummary* scenario = summary.add_scenarios();
    scenario->set_id(entry.id);
    scenario->set_link(entry.link_id);
    scenario->set_built(true);
    scenario->set_ai_declared(true);
    scenario->set_evidence_known(true);
    scenario->set_last_evidence_ms(1800000000000);
    scenario->set_inferences_in_horizon(123456);
    scenario->set_evidence_horizon_s(86400);
  }
  return summary;
}

template <std::string (*Render)(const google::protobuf::Message&)>
void BM_RenderFactoryResult(benchmark::State& state) {
  const v1::FactorySummary summary = TypicalFactoryResult();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = Render(summary);
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["results/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK_TEMPLATE(BM_RenderFactoryResult, ToJson)->Name("BM_RenderFactoryResultJson");
BENCHMARK_TEMPLATE(BM_RenderFactoryResult, ToJsonWithProtobuf)
    ->Name("BM_RenderFactoryResultJsonWithProtobufPrinter");

}  // namespace
}  // namespace ftel

BENCHMARK_MAIN();
