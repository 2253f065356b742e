// Source type "simulated": plausible values that depend only on the seed, the
// scenario or work unit id and the report's sequence number, so a demo or a
// test is reproducible run after run.
#ifndef FTEL_AGENT_SOURCES_SIMULATED_SOURCE_H_
#define FTEL_AGENT_SOURCES_SIMULATED_SOURCE_H_

#include "agent/sources/kpi_source.h"

namespace ftel {

std::unique_ptr<KpiSource> CreateSimulatedSource(const v1::SourceConfig& config,
                                                 const SourceBindings& bindings,
                                                 const std::string& key_prefix,
                                                 ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_SIMULATED_SOURCE_H_
