#include "aggregator/aggregator_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "aggregator/outputs/http_endpoint.h"
#include "libftel/config/broker_config_rules.h"
#include "libftel/config/config_descriptor_sets.h"
#include "libftel/config/transient_reflection.h"
#include "libftel/config/yaml_proto_loader.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

void CheckRange(uint32_t value, uint32_t min, uint32_t max, const std::string& key,
                ConfigProblems* problems) {
  if (value < min || value > max) {
    problems->Add(key, absl::StrCat("must be between ", min, " and ", max, ", got ", value));
  }
}

}  // namespace

void ApplyAggregatorDefaults(const std::string& config_dir, v1::AggregatorConfig* config) {
  if (config->topic_root().empty()) config->set_topic_root("ftel");
  if (config->publish_min_interval_ms() == 0) config->set_publish_min_interval_ms(1000);
  if (config->max_payload_bytes() == 0) config->set_max_payload_bytes(262144);
  if (config->kpi_horizon_s() == 0) config->set_kpi_horizon_s(3600);
  if (config->evidence_horizon_s() == 0) config->set_evidence_horizon_s(86400);
  if (config->max_clock_skew_s() == 0) config->set_max_clock_skew_s(300);
  if (config->stale_after_s() == 0) config->set_stale_after_s(300);
  if (config->http_listen().empty()) config->set_http_listen("127.0.0.1:9464");
  if (config->history_points() == 0) config->set_history_points(48);
  if (config->history_every_s() == 0) config->set_history_every_s(60);
  if (config->outputs() == v1::AggregatorConfig::OUTPUTS_UNSPECIFIED) {
    config->set_outputs(v1::AggregatorConfig::JSON_AND_PROTOBUF);
  }
  if (config->flat_views() == v1::AggregatorConfig::FLAT_VIEWS_UNSPECIFIED) {
    config->set_flat_views(v1::AggregatorConfig::ALL_FLAT_VIEWS);
  }
  config->set_state_file(ResolveRelativeTo(
      config_dir, config->state_file().empty() ? kDefaultStateFile : config->state_file()));
  ApplyBrokerDefaults("ftel-aggregator", config_dir, config->mutable_broker());
  if (config->member_id().empty()) config->set_member_id(config->broker().client_id());
  if (config->log_level() == v1::AggregatorConfig::LOG_LEVEL_UNSPECIFIED) {
    config->set_log_level(v1::AggregatorConfig::INFO);
  }
}

LogLevel LogLevelFrom(v1::AggregatorConfig::LogLevel level) {
  return LogLevelFromConfigValue(static_cast<int>(level));
}

void ApplyAggregatorLogLevel(const LoadedAggregatorConfig& loaded) {
  SetLogLevel(LogLevelFrom(loaded.config.log_level()));
}

void ValidateAggregatorConfig(const v1::AggregatorConfig& config, ConfigProblems* problems) {
  ValidateBrokerConfig(config.broker(), problems);
  ValidateTopicRoot(config.topic_root(), problems);
  CheckRange(config.publish_min_interval_ms(), 10, 600000, "publish_min_interval_ms", problems);
  CheckRange(config.factory_results_min_interval_ms(), 0, 3600000,
             "factory_results_min_interval_ms", problems);
  CheckRange(config.save_interval_ms(), 0, 60000, "save_interval_ms", problems);
  CheckRange(config.max_payload_bytes(), 1024, 16777216, "max_payload_bytes", problems);
  CheckRange(config.kpi_horizon_s(), 1, 2592000, "kpi_horizon_s", problems);
  CheckRange(config.evidence_horizon_s(), 60, 31536000, "evidence_horizon_s", problems);
  CheckRange(config.max_clock_skew_s(), 1, 86400, "max_clock_skew_s", problems);
  CheckRange(config.stale_after_s(), 1, 2592000, "stale_after_s", problems);
  CheckRange(config.history_points(), 1, 1000, "history_points", problems);
  CheckRange(config.history_every_s(), 1, 3600, "history_every_s", problems);
  for (const auto& [key, value] : {std::make_pair("shared_group", config.shared_group()),
                                   std::make_pair("member_id", config.member_id())}) {
    bool ok = value.size() <= 64;
    for (char c : value) ok = ok && (absl::ascii_isalnum(c) || c == '_' || c == '-');
    if (!ok || (value.empty() && std::string(key) == "member_id")) {
      problems->Add(key, absl::StrCat("must be 1 to 64 of [A-Za-z0-9_-], got '", value, "'"));
    }
  }
  if (config.http_listen() != "off") {
    if (absl::StatusOr<sockaddr_in> parsed = ParseIpv4Listen(config.http_listen()); !parsed.ok()) {
      problems->Add("http_listen", std::string(parsed.status().message()));
    }
  }
}

absl::StatusOr<LoadedAggregatorConfig> LoadAggregatorConfig(const std::string& path) {
  LoadedAggregatorConfig loaded;
  loaded.path = path;
  ConfigProblems problems(path);
  const absl::Status filled = FillWithTransientReflection(
      AggregatorConfigDescriptorSet(), "ftel.v1.AggregatorConfig",
      [&](google::protobuf::Message* copy) { LoadYamlFile(path, copy, &problems); },
      &loaded.config);
  if (!problems.empty()) return problems.ToStatus();
  RETURN_IF_ERROR(filled);
  ApplyAggregatorDefaults(DirName(path), &loaded.config);
  absl::StatusOr<ScenarioCatalogue> catalogue =
      LoadConfiguredCatalogue(path, loaded.config.catalogue_path());
  if (!catalogue.ok()) {
    problems.Add("catalogue_path", absl::StrCat("must name a readable scenario catalogue: ",
                                                catalogue.status().message()));
  }
  ValidateAggregatorConfig(loaded.config, &problems);
  if (!problems.empty()) return problems.ToStatus();
  loaded.catalogue = *std::move(catalogue);
  return loaded;
}

}  // namespace ftel
