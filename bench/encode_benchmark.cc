// Encode: reports per second and KPI samples per second on one core for the
// typical report (40 scenarios, 20 work units), and the decode+validate cost
// the aggregator pays for the same bytes.
#include "aggregator/input/input_validator.h"
#include "bench/synthetic/typical_report.h"
#include "benchmark/benchmark.h"

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
  for (auto _ : state) {
    ValidationResult result = validator.Validate(message, 1800000000000);
    benchmark::DoNotOptimize(result.kind);
  }
  state.counters["reports/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeAndValidateTypicalReport);

}  // namespace
}  // namespace ftel

BENCHMARK_MAIN();
