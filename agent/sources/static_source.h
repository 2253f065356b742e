// Source type "static": the same values in every window, taken from config
// (`fixed:` section). Useful for assets without a live interface and for tests
// whose expected numbers are computed by hand.
#ifndef FTEL_AGENT_SOURCES_STATIC_SOURCE_H_
#define FTEL_AGENT_SOURCES_STATIC_SOURCE_H_

#include "agent/sources/kpi_source.h"

namespace ftel {

std::unique_ptr<KpiSource> CreateStaticSource(const v1::SourceConfig& config,
                                              const SourceBindings& bindings,
                                              const std::string& key_prefix,
                                              ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_STATIC_SOURCE_H_
