// The report the benchmarks use: a factory with all 40 catalogue scenarios
// (half AI-declared, with evidence) and 20 work units, as a large plant's
// edge box would send.
#ifndef FTEL_BENCH_SYNTHETIC_TYPICAL_REPORT_H_
#define FTEL_BENCH_SYNTHETIC_TYPICAL_REPORT_H_

#include <cstdint>
#include <string>

#include "bench/synthetic/factory_profile.h"
#include "ftel/v1/report.pb.h"
#include "libftel/schema/scenario_catalogue.h"

namespace ftel {

// The typical factory: every catalogue scenario built, every other one
// AI-declared with a model and inferences; 20 identical work units.
FactoryProfile TypicalFactory(const ScenarioCatalogue& catalogue, const std::string& factory_id);

// Its report for the 10 s window ending at `end_ms`, from node edge-1.
v1::Report TypicalReport(const ScenarioCatalogue& catalogue, const std::string& factory,
                         uint64_t sequence, int64_t end_ms);

// KPI samples in a report: per scenario built/AI/evidence, per work unit its
// 13 elements, and the 7 inventory counts.
int KpiSamples(const v1::Report& report);

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_TYPICAL_REPORT_H_
