#include "agent/agent_config.h"

#include <filesystem>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

// A valid config using every section; each rule's test breaks one thing.
constexpr char kValidConfig[] = R"(broker:
  uri: tcp://127.0.0.1:1883
identity:
  factory_id: f1
  node_id: n1
publish_interval_ms: 1000
catalogue_path: CATALOGUE
sources:
  - name: fixed
    type: static
    fixed:
      inference_counts: {PM-01: 5}
      work_units:
        - {work_unit_id: line-1, planned_busy_time_s: 10, actual_production_time_s: 8, produced_quantity: 4, good_quantity: 4}
  - name: sim
    type: simulated
scenarios:
  - {id: PM-01, built: true, ai_declared: true, evidence_source: fixed}
  - {id: PM-02, built: true}
  - {id: x-custom, custom: true, link: PO, built: true, ai_declared: true, evidence_source: sim}
work_units:
  - {id: line-1, source: fixed}
  - {id: line-2, source: sim}
inventory:
  terminals: 10
  ai_capable_terminals: 2
  key_equipment: 5
  ai_enabled_key_equipment: 1
)";

std::string ValidConfigText() {
  return absl::StrReplaceAll(kValidConfig,
                             {{"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}});
}

TEST(AgentConfig, ValidConfigLoadsWithDefaults) {
  TempDir dir;
  auto loaded = LoadAgentConfig(dir.WriteFile("agent.yaml", ValidConfigText()));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.topic_root(), "ftel");
  EXPECT_EQ(loaded->config.broker().client_id(), "ftel-agent-f1-n1");
  EXPECT_EQ(loaded->config.broker().keep_alive_s(), 30u);
  EXPECT_EQ(loaded->config.scenarios_size(), 3);
  EXPECT_EQ(loaded->config_hash.size(), 16u);
  EXPECT_EQ(loaded->catalogue.scenarios().size(), 40u);
}

TEST(AgentConfig, LogLevelDefaultsToInfoAndTakesEffectWhenApplied) {
  TempDir dir;
  auto plain = LoadAgentConfig(dir.WriteFile("plain.yaml", ValidConfigText()));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->config.log_level(), v1::AgentConfig::INFO);
  auto quiet =
      LoadAgentConfig(dir.WriteFile("quiet.yaml", ValidConfigText() + "log_level: WARNING\n"));
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  ApplyAgentLogLevel(*quiet);
  EXPECT_EQ(GetLogLevel(), LogLevel::kWarning);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  ApplyAgentLogLevel(*plain);
  EXPECT_EQ(GetLogLevel(), LogLevel::kInfo);
  EXPECT_EQ(LogLevelFrom(v1::AgentConfig::ERROR), LogLevel::kError);
  EXPECT_EQ(LogLevelFrom(v1::AgentConfig::DEBUG), LogLevel::kDebug);
  auto wrong =
      LoadAgentConfig(dir.WriteFile("wrong.yaml", ValidConfigText() + "log_level: warn\n"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("log_level: must be one of the LogLevel names"));
}

TEST(AgentConfig, ShippedDemoConfigsAreValid) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SourceConfigDir() + "/demo")) {
    if (entry.path().filename() == "aggregator.yaml") continue;
    auto loaded = LoadAgentConfig(entry.path().string());
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(AgentConfig, ShippedExampleConfigIsValid) {
  // The example relies on the default catalogue path; point it at the repository's.
  TempDir dir;
  auto text = ReadFileToString(SourceConfigDir() + "/examples/agent.yaml");
  ASSERT_TRUE(text.ok());
  dir.WriteFile("scenario-catalogue.tsv",
                *ReadFileToString(SourceConfigDir() + "/scenario-catalogue.tsv"));
  auto loaded = LoadAgentConfig(dir.WriteFile("agent.yaml", *text));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
}

TEST(AgentConfig, EveryProblemIsReportedAtOnce) {
  TempDir dir;
  std::string text = absl::StrReplaceAll(ValidConfigText(),
                                         {{"publish_interval_ms: 1000", "publish_interval_ms: 5"},
                                          {"factory_id: f1", "factory_id: F1"}});
  const std::string path = dir.WriteFile("agent.yaml", text);
  auto loaded = LoadAgentConfig(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr(path + ":4: identity.factory_id: "));
  EXPECT_THAT(loaded.status().message(), HasSubstr(path + ":6: publish_interval_ms: "));
}

TEST(AgentConfig, MissingFileNamesThePath) {
  auto loaded = LoadAgentConfig("/nonexistent/agent.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("/nonexistent/agent.yaml"));
  EXPECT_THAT(loaded.status().message(), HasSubstr("No such file"));
}

struct RuleCase {
  const char* name;
  const char* from;  // text of the valid config to replace
  const char* to;
  const char* key;   // the key the error must name
  const char* rule;  // words of the rule the error must state
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const RuleCase& c, std::ostream* out) { *out << c.name; }

class AgentConfigRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(AgentConfigRule, ErrorNamesFileKeyAndRule) {
  const RuleCase& c = GetParam();
  const std::string valid = ValidConfigText();
  ASSERT_NE(valid.find(c.from), std::string::npos) << "test case does not apply: " << c.from;
  TempDir dir;
  const std::string path =
      dir.WriteFile("agent.yaml", absl::StrReplaceAll(valid, {{c.from, c.to}}));
  auto loaded = LoadAgentConfig(path);
  ASSERT_FALSE(loaded.ok()) << "accepted a config breaking rule " << c.name;
  const std::string message(loaded.status().message());
  EXPECT_THAT(message, HasSubstr(path + ":"));
  EXPECT_THAT(message, HasSubstr(std::string(c.key) + ": "));
  EXPECT_THAT(message, HasSubstr(c.rule));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, AgentConfigRule,
    ::testing::Values(
        RuleCase{"BrokerUriRequired", "  uri: tcp://127.0.0.1:1883\n", "  client_id: x\n",
                 "broker.uri", "is required"},
        RuleCase{"BrokerUriScheme", "tcp://127.0.0.1:1883", "http://127.0.0.1:1883", "broker.uri",
                 "must start with tcp:// or ssl://"},
        RuleCase{"BrokerUriPort", "tcp://127.0.0.1:1883", "tcp://127.0.0.1:99999", "broker.uri",
                 "port in 1..65535"},
        RuleCase{"KeepAliveRange", "broker:\n", "broker:\n  keep_alive_s: 4000\n",
                 "broker.keep_alive_s", "must be between 1 and 3600"},
        RuleCase{"ConnectTimeoutRange", "broker:\n", "broker:\n  connect_timeout_s: 301\n",
                 "broker.connect_timeout_s", "must be between 1 and 300"},
        RuleCase{"TopicRootCharacters", "identity:\n", "topic_root: a/b\nidentity:\n", "topic_root",
                 "must be 1 to 64 of [A-Za-z0-9_-]"},
        RuleCase{"FactoryIdRequired", "  factory_id: f1\n", "", "identity.factory_id",
                 "is required"},
        RuleCase{"FactoryIdCharacters", "factory_id: f1", "factory_id: F_1", "identity.factory_id",
                 "must be 1 to 64 of [a-z0-9-]"},
        RuleCase{"NodeIdCharacters", "node_id: n1", "node_id: n/1", "identity.node_id",
                 "must be 1 to 64 of [a-z0-9-]"},
        RuleCase{"PublishIntervalRange", "publish_interval_ms: 1000", "publish_interval_ms: 5",
                 "publish_interval_ms", "must be between 100 and 86400000"},
        RuleCase{"CatalogueReadable", "catalogue_path: /", "catalogue_path: /nonexistent/",
                 "catalogue_path", "must name a readable scenario catalogue"},
        RuleCase{"ScenarioIdRequired", "{id: PM-02, built: true}", "{built: true}",
                 "scenarios[1].id", "is required"},
        RuleCase{"ScenarioIdUnique", "{id: PM-02", "{id: PM-01", "scenarios[1].id",
                 "duplicate scenario 'PM-01'"},
        RuleCase{"ScenarioInCatalogue", "id: PM-02", "id: PM-99", "scenarios[1].id",
                 "'PM-99' is not in the scenario catalogue"},
        RuleCase{"CustomIdNotACatalogueId", "id: x-custom", "id: PO-01", "scenarios[2].id",
                 "is a catalogue id"},
        RuleCase{"CustomNeedsLink", "custom: true, link: PO,", "custom: true,", "scenarios[2].link",
                 "is required for a custom scenario"},
        RuleCase{"CustomLinkInCatalogue", "link: PO", "link: ZZ", "scenarios[2].link",
                 "must be a catalogue link id"},
        RuleCase{"LinkMatchesCatalogue", "{id: PM-02, built: true}",
                 "{id: PM-02, link: PO, built: true}", "scenarios[1].link",
                 "must match the catalogue link 'PM'"},
        RuleCase{"AiDeclaredNeedsBuilt", "{id: PM-01, built: true,", "{id: PM-01, built: false,",
                 "scenarios[0].ai_declared", "requires built: true"},
        RuleCase{"AiDeclaredNeedsEvidenceSource", "ai_declared: true, evidence_source: fixed}",
                 "ai_declared: true}", "scenarios[0].evidence_source",
                 "is required when ai_declared is true"},
        RuleCase{"EvidenceSourceExists", "evidence_source: sim}", "evidence_source: nope}",
                 "scenarios[2].evidence_source", "must name a source in sources"},
        RuleCase{"WorkUnitIdCharacters", "{id: line-2,", "{id: Line 2,", "work_units[1].id",
                 "must be 1 to 64 of [a-z0-9-]"},
        RuleCase{"WorkUnitIdUnique", "{id: line-2,", "{id: line-1,", "work_units[1].id",
                 "duplicate work unit 'line-1'"},
        RuleCase{"WorkUnitSourceRequired", "{id: line-2, source: sim}", "{id: line-2}",
                 "work_units[1].source", "is required"},
        RuleCase{"WorkUnitSourceExists", "{id: line-2, source: sim}", "{id: line-2, source: x}",
                 "work_units[1].source", "must name a source in sources"},
        RuleCase{"SourceNameCharacters", "name: sim", "name: Sim", "sources[1].name",
                 "must be 1 to 64 of [a-z0-9-]"},
        RuleCase{"SourceNameUnique", "name: sim", "name: fixed", "sources[1].name",
                 "duplicate source 'fixed'"},
        RuleCase{
            "SourceTypeKnown", "type: simulated", "type: opcua", "sources[1].type",
            "must be one of: exec, file, modbus, mqtt, prometheus, simulated, static; got 'opcua'"},
        RuleCase{"StaticInferencesForBoundScenarios", "{PM-01: 5}", "{PM-01: 5, PM-02: 1}",
                 "sources[0].fixed.inference_counts.PM-02",
                 "names a scenario whose evidence_source is not this source"},
        RuleCase{"StaticWorkUnitIsBound", "work_unit_id: line-1", "work_unit_id: line-9",
                 "sources[0].fixed.work_units[0].work_unit_id",
                 "not a work unit bound to this source"},
        RuleCase{"StaticGoodNotAboveProduced", "good_quantity: 4", "good_quantity: 5",
                 "sources[0].fixed.work_units[0].good_quantity",
                 "must not exceed produced_quantity"},
        RuleCase{"StaticAptNotAbovePbt", "actual_production_time_s: 8",
                 "actual_production_time_s: 11",
                 "sources[0].fixed.work_units[0].actual_production_time_s",
                 "must not exceed planned_busy_time_s"},
        RuleCase{"StaticCoversEveryBoundWorkUnit", "{id: line-2, source: sim}",
                 "{id: line-2, source: fixed}", "sources[0].fixed.work_units",
                 "needs an entry for work unit 'line-2'"},
        RuleCase{"SimulatedFractionRange", "type: simulated\n",
                 "type: simulated\n    simulated: {ai_activity: 1.5}\n",
                 "sources[1].simulated.ai_activity", "must be in (0, 1]"},
        RuleCase{"SimulatedRunTimePositive", "type: simulated\n",
                 "type: simulated\n    simulated: {planned_run_time_per_unit_s: -1}\n",
                 "sources[1].simulated.planned_run_time_per_unit_s", "must be greater than 0"},
        RuleCase{"AiTerminalsNotAboveTerminals", "ai_capable_terminals: 2",
                 "ai_capable_terminals: 20", "inventory.ai_capable_terminals",
                 "must not exceed inventory.terminals"},
        RuleCase{"AiEquipmentNotAboveEquipment", "ai_enabled_key_equipment: 1",
                 "ai_enabled_key_equipment: 9", "inventory.ai_enabled_key_equipment",
                 "must not exceed inventory.key_equipment"},
        RuleCase{"UnknownKeyRejected", "identity:\n", "publish_intervall_ms: 5\nidentity:\n",
                 "publish_intervall_ms", "unknown key (allowed: broker, topic_root"},
        RuleCase{"IntegerExpected", "publish_interval_ms: 1000", "publish_interval_ms: fast",
                 "publish_interval_ms", "must be an integer in 0..4294967295, got 'fast'"},
        RuleCase{"NonNegativeExpected", "terminals: 10", "terminals: -1", "inventory.terminals",
                 "must be a non-negative integer, got '-1'"},
        RuleCase{"BooleanExpected", "{id: PM-02, built: true}", "{id: PM-02, built: yes}",
                 "scenarios[1].built", "must be true or false, got 'yes'"},
        RuleCase{"DuplicateKeyRejected", "publish_interval_ms: 1000\n",
                 "publish_interval_ms: 1000\npublish_interval_ms: 2000\n", "publish_interval_ms",
                 "duplicate key"},
        RuleCase{"ListExpected", "work_units:\n  - {id: line-1, source: fixed}\n",
                 "work_units: line-1\nx:\n  - {id: line-1, source: fixed}\n", "work_units",
                 "must be a list, got a scalar"},
        RuleCase{"MappingExpected", "identity:\n  factory_id: f1\n  node_id: n1\n",
                 "identity: [f1, n1]\n", "identity", "must be a mapping of keys, got a list"},
        RuleCase{"ValidYaml", "identity:\n", "identity: [\n", "(yaml)", "not valid YAML"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ftel
