// Checks a `prometheus` source's config against what is bound to it, with no
// I/O (validate-config runs it), and turns it into a plan: the endpoints to
// scrape and, per bound scenario, the endpoints and series it sums. Every
// problem goes into ConfigProblems under its full key
// ("sources[2].prometheus.scenarios[0].preset"). Also resolves the config's
// relative paths against the config file's directory.
//
//   std::optional<PrometheusPlan> plan =
//       CheckPrometheusConfig(config.prometheus(), bindings, "sources[2]", &problems);
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_CONFIG_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "agent/sources/kpi_source.h"
#include "agent/sources/prometheus/series_matcher.h"
#include "ftel/v1/source_prometheus.pb.h"
#include "libftel/config/config_problems.h"

namespace ftel {

inline constexpr uint32_t kDefaultScrapeTimeoutMs = 2000;
inline constexpr uint32_t kMinScrapeTimeoutMs = 10;
inline constexpr uint32_t kMaxScrapeTimeoutMs = 60000;
inline constexpr uint32_t kMinPollIntervalMs = 100;
inline constexpr int kMaxEndpoints = 32;

struct EndpointPlan {
  std::string name;  // the configured name, or the URL
  std::string url;
  absl::Duration timeout;
  std::string bearer_token_file;
  std::string username;
  std::string password_file;
  std::string ca_file;
};

struct MappingPlan {
  std::string scenario_id;
  std::vector<int> endpoints;  // indices into PrometheusPlan::endpoints
  SeriesMatcher matcher;
};

struct PrometheusPlan {
  std::vector<EndpointPlan> endpoints;
  absl::Duration poll_interval;
  std::vector<MappingPlan> mappings;
};

// Nullopt, with problems added under `key_prefix`.prometheus, when invalid.
std::optional<PrometheusPlan> CheckPrometheusConfig(const v1::PrometheusSourceConfig& config,
                                                    const SourceBindings& bindings,
                                                    const std::string& key_prefix,
                                                    ConfigProblems* problems);

// Makes the relative `bearer_token_file`, `basic_auth.password_file` and
// `ca_file` of every endpoint relative to `config_dir` (ApplyAgentDefaults).
void ResolvePrometheusPaths(const std::string& config_dir, v1::PrometheusSourceConfig* config);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_PROMETHEUS_CONFIG_H_
