#include "agent/sources/prometheus/prometheus_config.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/prometheus/http_fetch.h"
#include "agent/sources/prometheus/presets.h"
#include "libftel/platform/file_io.h"

namespace ftel {
namespace {

bool IsName(const std::string& text, bool colon) {
  if (text.empty()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool ok = absl::ascii_isalpha(c) || c == '_' || (colon && c == ':') ||
                    (i > 0 && absl::ascii_isdigit(c));
    if (!ok) return false;
  }
  return true;
}

bool IsEndpointName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::optional<PrometheusPlan> CheckPrometheusConfig(const v1::PrometheusSourceConfig& config,
                                                    const SourceBindings& bindings,
                                                    const std::string& key_prefix,
                                                    ConfigProblems* problems) {
  const std::string prefix = absl::StrCat(key_prefix, ".prometheus");
  const size_t problems_before = problems->problems().size();
  PrometheusPlan plan;

  for (const std::string& unit : bindings.work_unit_ids) {
    problems->Add(absl::StrCat(key_prefix, ".type"),
                  absl::StrCat("a prometheus source gives scenario evidence only, but work unit '",
                               unit, "' names it as its source"));
  }

  // Endpoints.
  if (config.endpoints_size() == 0) {
    problems->Add(absl::StrCat(prefix, ".endpoints"), "needs at least one endpoint");
  } else if (config.endpoints_size() > kMaxEndpoints) {
    problems->Add(absl::StrCat(prefix, ".endpoints"),
                  absl::StrCat("must have at most ", kMaxEndpoints, " endpoints, got ",
                               config.endpoints_size()));
  }
  std::map<std::string, int> endpoint_by_name;
  for (int i = 0; i < config.endpoints_size(); ++i) {
    const v1::PrometheusEndpoint& e = config.endpoints(i);
    const std::string key = absl::StrCat(prefix, ".endpoints[", i, "]");
    EndpointPlan endpoint;
    endpoint.url = e.url();
    endpoint.name = e.name().empty() ? e.url() : e.name();
    if (!e.name().empty()) {
      if (!IsEndpointName(e.name())) {
        problems->Add(absl::StrCat(key, ".name"),
                      absl::StrCat("must be 1 to 64 of [a-z0-9-], not starting with '-', got '",
                                   e.name(), "'"));
      } else if (!endpoint_by_name.emplace(e.name(), i).second) {
        problems->Add(absl::StrCat(key, ".name"),
                      absl::StrCat("duplicate endpoint name '", e.name(), "'"));
      }
    }
    if (e.url().empty()) {
      problems->Add(absl::StrCat(key, ".url"), "is required");
    } else if (absl::Status url = CheckHttpUrl(e.url()); !url.ok()) {
      problems->Add(absl::StrCat(key, ".url"), std::string(url.message()));
    }
    const uint32_t timeout_ms = e.timeout_ms() == 0 ? kDefaultScrapeTimeoutMs : e.timeout_ms();
    if (timeout_ms < kMinScrapeTimeoutMs || timeout_ms > kMaxScrapeTimeoutMs) {
      problems->Add(absl::StrCat(key, ".timeout_ms"),
                    absl::StrCat("must be between ", kMinScrapeTimeoutMs, " and ",
                                 kMaxScrapeTimeoutMs, ", got ", timeout_ms));
    }
    endpoint.timeout = absl::Milliseconds(timeout_ms);
    const bool basic = e.has_basic_auth();
    if (basic && !e.bearer_token_file().empty()) {
      problems->Add(absl::StrCat(key, ".basic_auth"),
                    "set either bearer_token_file or basic_auth, not both");
    }
    if (basic && e.basic_auth().username().empty()) {
      problems->Add(absl::StrCat(key, ".basic_auth.username"), "is required with basic_auth");
    }
    if (basic && e.basic_auth().password_file().empty()) {
      problems->Add(absl::StrCat(key, ".basic_auth.password_file"), "is required with basic_auth");
    }
    endpoint.bearer_token_file = e.bearer_token_file();
    endpoint.username = e.basic_auth().username();
    endpoint.password_file = e.basic_auth().password_file();
    endpoint.ca_file = e.ca_file();
    plan.endpoints.push_back(std::move(endpoint));
  }

  // Poll interval.
  const int64_t window_ms = std::max<int64_t>(bindings.interval_ms, kMinPollIntervalMs);
  const int64_t poll_ms =
      config.poll_interval_ms() != 0
          ? config.poll_interval_ms()
          : std::clamp<int64_t>(window_ms / 2, kMinPollIntervalMs, int64_t{60000});
  if (poll_ms < kMinPollIntervalMs || poll_ms > window_ms) {
    problems->Add(absl::StrCat(prefix, ".poll_interval_ms"),
                  absl::StrCat("must be between ", kMinPollIntervalMs, " and publish_interval_ms (",
                               window_ms, "), so that every window holds a scrape; got ", poll_ms));
  }
  plan.poll_interval = absl::Milliseconds(poll_ms);

  // Scenario mappings.
  std::set<std::string> mapped;
  for (int i = 0; i < config.scenarios_size(); ++i) {
    const v1::PrometheusScenarioMapping& m = config.scenarios(i);
    const std::string key = absl::StrCat(prefix, ".scenarios[", i, "]");
    const size_t before = problems->problems().size();
    if (m.scenario_id().empty()) {
      problems->Add(absl::StrCat(key, ".scenario_id"), "is required");
    } else if (!Contains(bindings.scenario_ids, m.scenario_id())) {
      problems->Add(
          absl::StrCat(key, ".scenario_id"),
          absl::StrCat("names '", m.scenario_id(),
                       "', which is not a scenario whose evidence_source is this source"));
    } else if (!mapped.insert(m.scenario_id()).second) {
      problems->Add(absl::StrCat(key, ".scenario_id"),
                    absl::StrCat("a second mapping for scenario '", m.scenario_id(), "'"));
    }
    std::vector<int> endpoints;
    if (m.endpoint().empty()) {
      for (int e = 0; e < config.endpoints_size(); ++e) endpoints.push_back(e);
    } else if (auto named = endpoint_by_name.find(m.endpoint()); named != endpoint_by_name.end()) {
      endpoints.push_back(named->second);
    } else {
      problems->Add(
          absl::StrCat(key, ".endpoint"),
          absl::StrCat("names '", m.endpoint(), "', which is not the name of an endpoint"));
    }
    std::string metric = m.metric();
    std::vector<LabelCondition> conditions;
    if (!m.preset().empty()) {
      const ServerPreset* preset = FindPreset(m.preset());
      if (preset == nullptr) {
        problems->Add(absl::StrCat(key, ".preset"),
                      absl::StrCat("must be one of: ", PresetNames(), "; got '", m.preset(), "'"));
      } else if (!m.metric().empty()) {
        problems->Add(absl::StrCat(key, ".metric"), "set either preset or metric, not both");
      } else if (m.model().empty()) {
        problems->Add(absl::StrCat(key, ".model"),
                      absl::StrCat("is required with preset '", m.preset(),
                                   "': the model's name as the server labels it (label '",
                                   preset->model_label, "')"));
      } else {
        metric = preset->metric;
        conditions.push_back(LabelCondition::Equals(preset->model_label, m.model()));
      }
    } else if (!m.model().empty()) {
      problems->Add(absl::StrCat(key, ".model"),
                    "is only for a preset; with metric, use a label matcher");
    } else if (m.metric().empty()) {
      problems->Add(key, "needs a preset (with a model) or a metric");
    } else if (!IsName(m.metric(), /*colon=*/true)) {
      problems->Add(
          absl::StrCat(key, ".metric"),
          absl::StrCat("must be a metric name, [a-zA-Z_:][a-zA-Z0-9_:]*, got '", m.metric(), "'"));
    }
    for (int j = 0; j < m.labels_size(); ++j) {
      const v1::PrometheusLabelMatcher& l = m.labels(j);
      const std::string label_key = absl::StrCat(key, ".labels[", j, "]");
      if (!IsName(l.name(), /*colon=*/false)) {
        problems->Add(
            absl::StrCat(label_key, ".name"),
            absl::StrCat("must be a label name, [a-zA-Z_][a-zA-Z0-9_]*, got '", l.name(), "'"));
      }
      if (l.equals().empty() == l.regex().empty()) {
        problems->Add(label_key, "needs exactly one of equals and regex");
        continue;
      }
      if (!l.regex().empty()) {
        absl::StatusOr<SeriesMatcher> compiled =
            SeriesMatcher::Create("x", {LabelCondition::Regex(l.name(), l.regex())});
        if (!compiled.ok()) {
          problems->Add(absl::StrCat(label_key, ".regex"),
                        std::string(compiled.status().message()));
          continue;
        }
        conditions.push_back(LabelCondition::Regex(l.name(), l.regex()));
      } else {
        conditions.push_back(LabelCondition::Equals(l.name(), l.equals()));
      }
    }
    if (problems->problems().size() != before) continue;
    absl::StatusOr<SeriesMatcher> matcher = SeriesMatcher::Create(metric, std::move(conditions));
    if (!matcher.ok()) {
      problems->Add(key, std::string(matcher.status().message()));
      continue;
    }
    plan.mappings.push_back(
        MappingPlan{m.scenario_id(), std::move(endpoints), *std::move(matcher)});
  }
  for (const std::string& id : bindings.scenario_ids) {
    if (mapped.count(id) == 0) {
      problems->Add(absl::StrCat(prefix, ".scenarios"),
                    absl::StrCat("needs a mapping for scenario '", id, "' bound to this source"));
    }
  }
  if (problems->problems().size() != problems_before) return std::nullopt;
  return plan;
}

void ResolvePrometheusPaths(const std::string& config_dir, v1::PrometheusSourceConfig* config) {
  auto resolve = [&config_dir](std::string* path) {
    if (!path->empty()) *path = ResolveRelativeTo(config_dir, *path);
  };
  for (v1::PrometheusEndpoint& e : *config->mutable_endpoints()) {
    resolve(e.mutable_bearer_token_file());
    resolve(e.mutable_ca_file());
    if (e.has_basic_auth()) resolve(e.mutable_basic_auth()->mutable_password_file());
  }
}

}  // namespace ftel
