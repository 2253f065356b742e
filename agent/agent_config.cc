#include "agent/agent_config.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "libftel/config/broker_config_rules.h"
#include "libftel/config/config_descriptor_sets.h"
#include "libftel/config/transient_reflection.h"
#include "libftel/config/yaml_proto_loader.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/content_hash.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

constexpr uint32_t kMinIntervalMs = 100;
constexpr uint32_t kMaxIntervalMs = 86400000;
constexpr char kDefaultSpoolDir[] = "/var/lib/ftel/spool";
constexpr char kDefaultSyncFile[] = "/run/systemd/timesync/synchronized";

void CheckId(const std::string& id, const std::string& key, ConfigProblems* problems) {
  if (id.empty()) {
    problems->Add(key, "is required");
  } else if (!IsValidId(id)) {
    problems->Add(
        key, absl::StrCat("must be 1 to 64 of [a-z0-9-], not starting with '-'; got '", id, "'"));
  }
}

void ValidateScenarios(const v1::AgentConfig& config, const ScenarioCatalogue* catalogue,
                       const std::set<std::string>& source_names, ConfigProblems* problems) {
  std::set<std::string> ids;
  for (int i = 0; i < config.scenarios_size(); ++i) {
    const v1::ScenarioConfig& s = config.scenarios(i);
    const std::string key = absl::StrCat("scenarios[", i, "]");
    if (s.id().empty()) {
      problems->Add(key + ".id", "is required");
      continue;
    }
    if (!ids.insert(s.id()).second) {
      problems->Add(key + ".id", absl::StrCat("duplicate scenario '", s.id(), "'"));
    }
    if (catalogue != nullptr) {
      const CatalogueScenario* known = catalogue->Find(s.id());
      if (s.custom()) {
        if (known != nullptr) {
          problems->Add(key + ".id", absl::StrCat("'", s.id(),
                                                  "' is a catalogue id; a custom scenario "
                                                  "needs its own id"));
        }
        if (s.link().empty()) {
          problems->Add(key + ".link", "is required for a custom scenario");
        } else if (catalogue->FindLink(s.link()) == nullptr) {
          problems->Add(key + ".link",
                        absl::StrCat("must be a catalogue link id, got '", s.link(), "'"));
        }
      } else if (known == nullptr) {
        problems->Add(key + ".id", absl::StrCat("'", s.id(),
                                                "' is not in the scenario catalogue (set "
                                                "custom: true for a factory-specific scenario)"));
      } else if (!s.link().empty() && s.link() != known->link_id) {
        problems->Add(key + ".link", absl::StrCat("must match the catalogue link '", known->link_id,
                                                  "' of ", s.id(), ", got '", s.link(), "'"));
      }
    }
    if (s.ai_declared() && !s.built()) {
      problems->Add(key + ".ai_declared",
                    "requires built: true (an unbuilt scenario cannot "
                    "use AI)");
    }
    if (s.ai_declared() && s.evidence_source().empty()) {
      problems->Add(key + ".evidence_source", "is required when ai_declared is true");
    }
    if (!s.evidence_source().empty() && source_names.count(s.evidence_source()) == 0) {
      problems->Add(key + ".evidence_source",
                    absl::StrCat("must name a source in sources, got '", s.evidence_source(), "'"));
    }
  }
}

void ValidateWorkUnits(const v1::AgentConfig& config, const std::set<std::string>& source_names,
                       ConfigProblems* problems) {
  std::set<std::string> ids;
  for (int i = 0; i < config.work_units_size(); ++i) {
    const v1::WorkUnitConfig& unit = config.work_units(i);
    const std::string key = absl::StrCat("work_units[", i, "]");
    CheckId(unit.id(), key + ".id", problems);
    if (!unit.id().empty() && !ids.insert(unit.id()).second) {
      problems->Add(key + ".id", absl::StrCat("duplicate work unit '", unit.id(), "'"));
    }
    if (unit.source().empty()) {
      problems->Add(key + ".source", "is required");
    } else if (source_names.count(unit.source()) == 0) {
      problems->Add(key + ".source",
                    absl::StrCat("must name a source in sources, got '", unit.source(), "'"));
    }
  }
}

void ValidateSources(const v1::AgentConfig& config, ConfigProblems* problems) {
  const std::map<std::string, SourceBindings> bindings = BindSources(config);
  std::set<std::string> names;
  for (int i = 0; i < config.sources_size(); ++i) {
    const v1::SourceConfig& source = config.sources(i);
    const std::string key = absl::StrCat("sources[", i, "]");
    CheckId(source.name(), key + ".name", problems);
    if (!names.insert(source.name()).second) {
      problems->Add(key + ".name", absl::StrCat("duplicate source '", source.name(), "'"));
    }
    auto bound = bindings.find(source.name());
    BuiltinSources().Create(source, bound == bindings.end() ? SourceBindings{} : bound->second, key,
                            problems);
  }
}

void ValidateSpool(const v1::SpoolConfig& spool, ConfigProblems* problems) {
  auto range = [problems](uint64_t value, uint64_t min, uint64_t max, const std::string& key) {
    if (value < min || value > max) {
      problems->Add(key, absl::StrCat("must be between ", min, " and ", max, ", got ", value));
    }
  };
  range(spool.max_bytes(), 65536, 16ULL << 30, "spool.max_bytes");
  range(spool.max_age_s(), 60, 31536000, "spool.max_age_s");
  range(spool.segment_bytes(), 4096, std::max<uint64_t>(4096, spool.max_bytes() / 4),
        "spool.segment_bytes");
  range(spool.batch_sync_interval_ms(), 10, 60000, "spool.batch_sync_interval_ms");
  range(spool.max_inflight(), 1, 1024, "spool.max_inflight");
}

void ValidateInventory(const v1::InventoryCounts& inventory, ConfigProblems* problems) {
  if (inventory.ai_capable_terminals() > inventory.terminals()) {
    problems->Add("inventory.ai_capable_terminals", "must not exceed inventory.terminals");
  }
  if (inventory.ai_enabled_key_equipment() > inventory.key_equipment()) {
    problems->Add("inventory.ai_enabled_key_equipment", "must not exceed inventory.key_equipment");
  }
}

}  // namespace

std::map<std::string, SourceBindings> BindSources(const v1::AgentConfig& config) {
  std::map<std::string, SourceBindings> bindings;
  for (const v1::ScenarioConfig& s : config.scenarios()) {
    if (!s.evidence_source().empty()) {
      bindings[s.evidence_source()].scenario_ids.push_back(s.id());
    }
  }
  for (const v1::WorkUnitConfig& unit : config.work_units()) {
    if (!unit.source().empty()) bindings[unit.source()].work_unit_ids.push_back(unit.id());
  }
  return bindings;
}

void ApplyAgentDefaults(const std::string& config_dir, v1::AgentConfig* config) {
  if (config->topic_root().empty()) config->set_topic_root("ftel");
  if (config->publish_interval_ms() == 0) config->set_publish_interval_ms(10000);
  ApplyBrokerDefaults(absl::StrCat("ftel-agent-", config->identity().factory_id(), "-",
                                   config->identity().node_id()),
                      config_dir, config->mutable_broker());
  v1::SpoolConfig* spool = config->mutable_spool();
  spool->set_dir(ResolveRelativeTo(
      config_dir, spool->dir().empty() ? std::string(kDefaultSpoolDir) : spool->dir()));
  if (spool->max_bytes() == 0) spool->set_max_bytes(64ULL << 20);
  if (spool->max_age_s() == 0) spool->set_max_age_s(7 * 24 * 3600);
  if (spool->segment_bytes() == 0) {
    spool->set_segment_bytes(std::min<uint64_t>(1ULL << 20, spool->max_bytes() / 4));
  }
  if (spool->fsync() == v1::SpoolConfig::FSYNC_UNSPECIFIED)
    spool->set_fsync(v1::SpoolConfig::ALWAYS);
  if (spool->batch_sync_interval_ms() == 0) spool->set_batch_sync_interval_ms(1000);
  if (spool->max_inflight() == 0) spool->set_max_inflight(32);
  // Paths in source settings are relative to the config file too.
  for (v1::SourceConfig& source : *config->mutable_sources()) {
    BuiltinSources().ResolvePaths(config_dir, &source);
  }
  v1::ClockConfig* clock = config->mutable_clock();
  if (clock->sync_check() == v1::ClockConfig::SYNC_CHECK_UNSPECIFIED)
    clock->set_sync_check(v1::ClockConfig::NONE);
  clock->set_sync_file(ResolveRelativeTo(
      config_dir, clock->sync_file().empty() ? std::string(kDefaultSyncFile) : clock->sync_file()));
  if (clock->max_hold_s() == 0) clock->set_max_hold_s(3600);
  if (config->log_level() == v1::AgentConfig::LOG_LEVEL_UNSPECIFIED) {
    config->set_log_level(v1::AgentConfig::INFO);
  }
}

LogLevel LogLevelFrom(v1::AgentConfig::LogLevel level) {
  return LogLevelFromConfigValue(static_cast<int>(level));
}

void ApplyAgentLogLevel(const LoadedAgentConfig& loaded) {
  SetLogLevel(LogLevelFrom(loaded.config.log_level()));
}

SpoolOptions SpoolOptionsFrom(const v1::SpoolConfig& spool) {
  SpoolOptions options;
  options.dir = spool.dir();
  options.max_bytes = spool.max_bytes();
  options.max_age_ms = static_cast<int64_t>(spool.max_age_s()) * 1000;
  options.segment_bytes = spool.segment_bytes();
  options.fsync = spool.fsync();
  options.batch_sync_interval_ms = spool.batch_sync_interval_ms();
  return options;
}

std::unique_ptr<ClockSyncCheck> ClockSyncCheckFrom(const v1::ClockConfig& clock) {
  switch (clock.sync_check()) {
    case v1::ClockConfig::KERNEL:
      return KernelClockSync();
    case v1::ClockConfig::FILE:
      return FileClockSync(clock.sync_file());
    default:
      return nullptr;
  }
}

void ValidateAgentConfig(const v1::AgentConfig& config, const ScenarioCatalogue* catalogue,
                         ConfigProblems* problems) {
  ValidateBrokerConfig(config.broker(), problems);
  ValidateTopicRoot(config.topic_root(), problems);
  CheckId(config.identity().factory_id(), "identity.factory_id", problems);
  CheckId(config.identity().node_id(), "identity.node_id", problems);
  if (config.publish_interval_ms() < kMinIntervalMs ||
      config.publish_interval_ms() > kMaxIntervalMs) {
    problems->Add("publish_interval_ms",
                  absl::StrCat("must be between ", kMinIntervalMs, " and ", kMaxIntervalMs,
                               ", got ", config.publish_interval_ms()));
  }
  std::set<std::string> source_names;
  for (const v1::SourceConfig& source : config.sources()) source_names.insert(source.name());
  ValidateScenarios(config, catalogue, source_names, problems);
  ValidateWorkUnits(config, source_names, problems);
  ValidateSources(config, problems);
  ValidateInventory(config.inventory(), problems);
  for (int i = 0; i < config.scenarios_size(); ++i) {
    if (config.scenarios(i).evidence_horizon_s() > 31536000) {
      problems->Add(absl::StrCat("scenarios[", i, "].evidence_horizon_s"),
                    absl::StrCat("must be between 0 and 31536000, got ",
                                 config.scenarios(i).evidence_horizon_s()));
    }
  }
  if (config.clock().max_hold_s() > 86400) {
    problems->Add("clock.max_hold_s",
                  absl::StrCat("must be between 1 and 86400, got ", config.clock().max_hold_s()));
  }
  ValidateSpool(config.spool(), problems);
}

absl::StatusOr<LoadedAgentConfig> LoadAgentConfig(const std::string& path) {
  LoadedAgentConfig loaded;
  loaded.path = path;
  ConfigProblems problems(path);
  std::string text;
  const absl::Status filled = FillWithTransientReflection(
      AgentConfigDescriptorSet(), "ftel.v1.AgentConfig",
      [&](google::protobuf::Message* copy) { text = LoadYamlFile(path, copy, &problems); },
      &loaded.config);
  if (!problems.empty()) return problems.ToStatus();
  RETURN_IF_ERROR(filled);
  loaded.config_hash = Fnv1a64Hex(text);
  ApplyAgentDefaults(DirName(path), &loaded.config);
  absl::StatusOr<ScenarioCatalogue> catalogue =
      LoadConfiguredCatalogue(path, loaded.config.catalogue_path());
  if (!catalogue.ok()) {
    problems.Add("catalogue_path", absl::StrCat("must name a readable scenario catalogue: ",
                                                catalogue.status().message()));
  }
  ValidateAgentConfig(loaded.config, catalogue.ok() ? &*catalogue : nullptr, &problems);
  if (!problems.empty()) return problems.ToStatus();
  loaded.catalogue = *std::move(catalogue);
  return loaded;
}

}  // namespace ftel
