#include "aggregator/aggregator_config.h"

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

std::string ValidConfigText() {
  return "broker:\n  uri: tcp://127.0.0.1:1883\ncatalogue_path: " + SourceConfigDir() +
         "/scenario-catalogue.tsv\npublish_min_interval_ms: 100\n";
}

TEST(AggregatorConfig, ValidConfigLoadsWithDefaults) {
  TempDir dir;
  auto loaded = LoadAggregatorConfig(dir.WriteFile("aggregator.yaml", ValidConfigText()));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.topic_root(), "ftel");
  EXPECT_EQ(loaded->config.broker().client_id(), "ftel-aggregator");
  EXPECT_EQ(loaded->config.max_payload_bytes(), 262144u);
  EXPECT_EQ(loaded->config.kpi_horizon_s(), 3600u);
  EXPECT_EQ(loaded->config.publish_min_interval_ms(), 100u);
}

TEST(AggregatorConfig, LogLevelDefaultsToInfoAndTakesEffectWhenApplied) {
  TempDir dir;
  auto plain = LoadAggregatorConfig(dir.WriteFile("plain.yaml", ValidConfigText()));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->config.log_level(), v1::AggregatorConfig::INFO);
  auto debug =
      LoadAggregatorConfig(dir.WriteFile("debug.yaml", ValidConfigText() + "log_level: DEBUG\n"));
  ASSERT_TRUE(debug.ok()) << debug.status();
  ApplyAggregatorLogLevel(*debug);
  EXPECT_EQ(GetLogLevel(), LogLevel::kDebug);
  ApplyAggregatorLogLevel(*plain);
  EXPECT_EQ(GetLogLevel(), LogLevel::kInfo);
  EXPECT_EQ(LogLevelFrom(v1::AggregatorConfig::ERROR), LogLevel::kError);
  EXPECT_EQ(LogLevelFrom(v1::AggregatorConfig::WARNING), LogLevel::kWarning);
}

TEST(AggregatorConfig, ShippedDemoConfigIsValid) {
  auto loaded = LoadAggregatorConfig(SourceConfigDir() + "/demo/aggregator.yaml");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
}

TEST(AggregatorConfig, ShippedExampleConfigIsValid) {
  TempDir dir;
  dir.WriteFile("scenario-catalogue.tsv",
                *ReadFileToString(SourceConfigDir() + "/scenario-catalogue.tsv"));
  auto loaded = LoadAggregatorConfig(dir.WriteFile(
      "aggregator.yaml", *ReadFileToString(SourceConfigDir() + "/examples/aggregator.yaml")));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
}

struct RuleCase {
  const char* name;
  const char* from;
  const char* to;
  const char* key;
  const char* rule;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const RuleCase& c, std::ostream* out) { *out << c.name; }

class AggregatorConfigRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(AggregatorConfigRule, ErrorNamesFileKeyAndRule) {
  const RuleCase& c = GetParam();
  const std::string valid = ValidConfigText();
  ASSERT_NE(valid.find(c.from), std::string::npos) << c.from;
  TempDir dir;
  const std::string path =
      dir.WriteFile("aggregator.yaml", absl::StrReplaceAll(valid, {{c.from, c.to}}));
  auto loaded = LoadAggregatorConfig(path);
  ASSERT_FALSE(loaded.ok()) << c.name;
  const std::string message(loaded.status().message());
  EXPECT_THAT(message, HasSubstr(path + ":"));
  EXPECT_THAT(message, HasSubstr(std::string(c.key) + ": "));
  EXPECT_THAT(message, HasSubstr(c.rule));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, AggregatorConfigRule,
    ::testing::Values(
        RuleCase{"BrokerUriRequired", "  uri: tcp://127.0.0.1:1883\n", "  client_id: a\n",
                 "broker.uri", "is required"},
        RuleCase{"PublishIntervalRange", "publish_min_interval_ms: 100",
                 "publish_min_interval_ms: 5", "publish_min_interval_ms",
                 "must be between 10 and 600000"},
        RuleCase{"MaxPayloadRange", "publish_min_interval_ms: 100", "max_payload_bytes: 100",
                 "max_payload_bytes", "must be between 1024 and 16777216"},
        RuleCase{"KpiHorizonRange", "publish_min_interval_ms: 100", "kpi_horizon_s: 9999999",
                 "kpi_horizon_s", "must be between 1 and 2592000"},
        RuleCase{"TopicRootCharacters", "publish_min_interval_ms: 100", "topic_root: 'a#'",
                 "topic_root", "must be 1 to 64 of [A-Za-z0-9_-]"},
        RuleCase{"CatalogueReadable", "catalogue_path: /", "catalogue_path: /nonexistent/",
                 "catalogue_path", "must name a readable scenario catalogue"},
        RuleCase{"LogLevelName", "publish_min_interval_ms: 100", "log_level: VERBOSE", "log_level",
                 "must be one of the LogLevel names, got 'VERBOSE'"},
        RuleCase{"UnknownKeyRejected", "publish_min_interval_ms: 100", "identity: {}", "identity",
                 "unknown key"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ftel
