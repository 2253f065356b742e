// The agent's `prometheus` source type: scrapes inference servers' metrics
// endpoints (Prometheus text format) and reports each bound scenario's
// inferences per window. Each endpoint is polled on its own thread
// (PollLoop); TakeWindow only hands over what the polls accumulated
// (WindowAccumulator) and never waits on I/O. Registered in
// builtin_sources.cc as "prometheus"; settings in
// proto/ftel/v1/source_prometheus.proto.
//
//   std::unique_ptr<KpiSource> s =
//       CreatePrometheusSource(config, bindings, "sources[2]", &problems);
//   RETURN_IF_ERROR(s->Start());
//   SourceWindow w = s->TakeWindow(window);  // w.inferences["PD-03"]
//   s->Stop();
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_SOURCE_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_SOURCE_H_

#include <memory>
#include <string>

#include "agent/sources/kpi_source.h"

namespace ftel {

// A SourceFactory: null, with problems added, when the config is invalid. No I/O.
std::unique_ptr<KpiSource> CreatePrometheusSource(const v1::SourceConfig& config,
                                                  const SourceBindings& bindings,
                                                  const std::string& key_prefix,
                                                  ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_SOURCE_H_
