// The `prometheus` source's config checks (no I/O), each problem under its
// full key, and what the source says before it is started.
#include "agent/sources/prometheus/prometheus_config.h"

#include <google/protobuf/text_format.h>

#include "agent/sources/kpi_source.h"
#include "ftel/v1/agent_config.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/config/yaml_proto_loader.h"

namespace ftel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

v1::SourceConfig Config(const std::string& text) {
  v1::SourceConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config)) << text;
  config.set_name("inference");
  config.set_type("prometheus");
  return config;
}

SourceBindings Bound(std::vector<std::string> scenarios, int64_t interval_ms = 10000) {
  SourceBindings b;
  b.scenario_ids = std::move(scenarios);
  b.interval_ms = interval_ms;
  return b;
}

// (key, rule) of every problem.
std::vector<std::pair<std::string, std::string>> Problems(const v1::SourceConfig& config,
                                                          const SourceBindings& bindings) {
  ConfigProblems problems("agent.yaml");
  std::unique_ptr<KpiSource> source =
      BuiltinSources().Create(config, bindings, "sources[2]", &problems);
  EXPECT_EQ(source == nullptr, !problems.empty());
  std::vector<std::pair<std::string, std::string>> out;
  for (const ConfigProblem& p : problems.problems()) out.emplace_back(p.key, p.rule);
  return out;
}

TEST(PrometheusConfigTest, AValidConfigMakesAPlanWithDefaults) {
  const v1::SourceConfig config = Config(R"pb(
    prometheus {
      endpoints { name: "triton" url: "http://127.0.0.1:8002/metrics" }
      endpoints { url: "https://llm.plant.local/metrics" timeout_ms: 500 }
      scenarios { scenario_id: "PD-03" endpoint: "triton" preset: "triton" model: "weld-defect-v3" }
      scenarios {
        scenario_id: "OM-01"
        metric: "nv_inference_count"
        labels { name: "model" regex: "schedule-.*" }
        labels { name: "version" equals: "2" }
      }
    })pb");
  ConfigProblems problems("agent.yaml");
  std::optional<PrometheusPlan> plan = CheckPrometheusConfig(
      config.prometheus(), Bound({"PD-03", "OM-01"}), "sources[2]", &problems);
  ASSERT_TRUE(plan.has_value()) << problems.ToStatus();
  EXPECT_EQ(plan->poll_interval, absl::Milliseconds(5000));  // half the window
  ASSERT_EQ(plan->endpoints.size(), 2u);
  EXPECT_EQ(plan->endpoints[0].timeout, absl::Milliseconds(2000));
  EXPECT_EQ(plan->endpoints[1].timeout, absl::Milliseconds(500));
  EXPECT_EQ(plan->endpoints[1].name, "https://llm.plant.local/metrics");
  ASSERT_EQ(plan->mappings.size(), 2u);
  EXPECT_EQ(plan->mappings[0].matcher.Describe(), "nv_inference_count{model=\"weld-defect-v3\"}");
  EXPECT_THAT(plan->mappings[0].endpoints, ElementsAre(0));
  EXPECT_THAT(plan->mappings[1].endpoints, ElementsAre(0, 1));  // every endpoint, summed
  EXPECT_EQ(plan->mappings[1].matcher.Describe(),
            "nv_inference_count{model=~\"schedule-.*\",version=\"2\"}");
}

TEST(PrometheusConfigTest, EveryPresetSetsItsMetricAndModelLabel) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"triton", "nv_inference_count{model=\"m\"}"},
      {"vllm", "vllm:request_success_total{model_name=\"m\"}"},
      {"ovms", "ovms_requests_success{name=\"m\"}"},
      {"torchserve", "ts_inference_requests_total{model_name=\"m\"}"},
      {"kserve", "request_predict_seconds_count{model_name=\"m\"}"},
  };
  for (const auto& [preset, selector] : expected) {
    const v1::SourceConfig config = Config(
        "prometheus { endpoints { url: 'http://h/metrics' } scenarios { scenario_id: 'S' "
        "preset: '" +
        preset + "' model: 'm' } }");
    ConfigProblems problems("agent.yaml");
    std::optional<PrometheusPlan> plan =
        CheckPrometheusConfig(config.prometheus(), Bound({"S"}), "sources[0]", &problems);
    ASSERT_TRUE(plan.has_value()) << preset << ": " << problems.ToStatus();
    EXPECT_EQ(plan->mappings[0].matcher.Describe(), selector) << preset;
  }
}

TEST(PrometheusConfigTest, EachProblemHasItsFullKey) {
  const v1::SourceConfig config = Config(R"pb(
    prometheus {
      poll_interval_ms: 20000
      endpoints { name: "Bad_Name" url: "ftp://host/metrics" timeout_ms: 5 }
      endpoints {
        name: "b"
        url: "not a url"
        bearer_token_file: "t"
        basic_auth { username: "u" }
      }
      scenarios { scenario_id: "PD-03" preset: "tritonn" model: "m" }
      scenarios { scenario_id: "PD-03" preset: "triton" }
      scenarios { scenario_id: "XX-99" metric: "bad-name" }
      scenarios {
        scenario_id: "OM-01"
        endpoint: "c"
        metric: "m"
        labels { name: "v" regex: "(" }
      }
      scenarios {
        scenario_id: "PS-01"
        metric: "m"
        model: "x"
        labels { name: "v" }
      }
      scenarios { scenario_id: "FB-01" preset: "kserve" model: "x" metric: "y" }
      scenarios { scenario_id: "SC-01" }
    })pb");
  const auto problems =
      Problems(config, Bound({"PD-03", "OM-01", "PS-01", "FB-01", "SC-01", "RD-01"}));
  const std::string p = "sources[2].prometheus";
  EXPECT_THAT(
      problems,
      ElementsAre(
          Pair(p + ".endpoints[0].name",
               "must be 1 to 64 of [a-z0-9-], not starting with '-', got 'Bad_Name'"),
          Pair(p + ".endpoints[0].url",
               "must start with http:// or https://, got 'ftp://host/metrics'"),
          Pair(p + ".endpoints[0].timeout_ms", "must be between 10 and 60000, got 5"),
          Pair(p + ".endpoints[1].url", "is not a valid URL: 'not a url'"),
          Pair(p + ".endpoints[1].basic_auth",
               "set either bearer_token_file or basic_auth, not both"),
          Pair(p + ".endpoints[1].basic_auth.password_file", "is required with basic_auth"),
          Pair(p + ".poll_interval_ms",
               "must be between 100 and publish_interval_ms (10000), so that every window holds "
               "a scrape; got 20000"),
          Pair(p + ".scenarios[0].preset",
               "must be one of: kserve, ovms, torchserve, triton, vllm; got 'tritonn'"),
          Pair(p + ".scenarios[1].scenario_id", "a second mapping for scenario 'PD-03'"),
          Pair(p + ".scenarios[1].model",
               "is required with preset 'triton': the model's name as the server labels it "
               "(label 'model')"),
          Pair(p + ".scenarios[2].scenario_id",
               "names 'XX-99', which is not a scenario whose evidence_source is this source"),
          Pair(p + ".scenarios[2].metric",
               "must be a metric name, [a-zA-Z_:][a-zA-Z0-9_:]*, got 'bad-name'"),
          Pair(p + ".scenarios[3].endpoint", "names 'c', which is not the name of an endpoint"),
          Pair(p + ".scenarios[3].labels[0].regex",
               ::testing::StartsWith("is not a valid regular expression: '('")),
          Pair(p + ".scenarios[4].model", "is only for a preset; with metric, use a label matcher"),
          Pair(p + ".scenarios[4].labels[0]", "needs exactly one of equals and regex"),
          Pair(p + ".scenarios[5].metric", "set either preset or metric, not both"),
          Pair(p + ".scenarios[6]", "needs a preset (with a model) or a metric"),
          Pair(p + ".scenarios", "needs a mapping for scenario 'RD-01' bound to this source")));
}

TEST(PrometheusConfigTest, NoEndpointsAndBoundWorkUnitsAreProblems) {
  SourceBindings bindings = Bound({});
  bindings.work_unit_ids = {"line-1"};
  EXPECT_THAT(Problems(Config("prometheus {}"), bindings),
              ElementsAre(Pair("sources[2].type",
                               "a prometheus source gives scenario evidence only, but work unit "
                               "'line-1' names it as its source"),
                          Pair("sources[2].prometheus.endpoints", "needs at least one endpoint")));
}

TEST(PrometheusConfigTest, RelativePathsAreRelativeToTheConfigFile) {
  v1::SourceConfig config = Config(R"pb(
    prometheus {
      endpoints { url: "https://a/metrics" bearer_token_file: "llm.token" ca_file: "/etc/ca.pem" }
      endpoints {
        url: "https://b/metrics"
        basic_auth { username: "u" password_file: "p/pw" }
      }
    })pb");
  ResolvePrometheusPaths("/etc/ftel", config.mutable_prometheus());
  EXPECT_EQ(config.prometheus().endpoints(0).bearer_token_file(), "/etc/ftel/llm.token");
  EXPECT_EQ(config.prometheus().endpoints(0).ca_file(), "/etc/ca.pem");
  EXPECT_EQ(config.prometheus().endpoints(1).basic_auth().password_file(), "/etc/ftel/p/pw");
  EXPECT_EQ(config.prometheus().endpoints(1).ca_file(), "");
}

// The example in source_prometheus.proto's comment (the configuration
// reference) loads from YAML and passes the checks.
TEST(PrometheusConfigTest, TheDocumentedYamlExampleIsValid) {
  const std::string yaml = R"(
sources:
  - name: inference
    type: prometheus
    prometheus:
      poll_interval_ms: 5000
      endpoints:
        - name: triton
          url: http://127.0.0.1:8002/metrics
          timeout_ms: 2000
        - name: llm
          url: https://llm.plant.local:8000/metrics
          bearer_token_file: llm.token
          ca_file: plant-ca.pem
      scenarios:
        - scenario_id: PD-03
          endpoint: triton
          preset: triton
          model: weld-defect-v3
        - scenario_id: PM-02
          endpoint: llm
          preset: vllm
          model: maintenance-assistant
        - scenario_id: OM-01
          endpoint: triton
          metric: nv_inference_count
          labels:
            - name: model
              regex: "schedule-.*"
            - name: version
              equals: "2"
)";
  v1::AgentConfig config;
  ConfigProblems problems("agent.yaml");
  LoadYamlText(yaml, &config, &problems);
  ASSERT_TRUE(problems.empty()) << problems.ToStatus();
  ASSERT_EQ(config.sources_size(), 1);
  std::unique_ptr<KpiSource> source = BuiltinSources().Create(
      config.sources(0), Bound({"PD-03", "PM-02", "OM-01"}), "sources[0]", &problems);
  EXPECT_NE(source, nullptr) << problems.ToStatus();
}

TEST(PrometheusConfigTest, ProblemsCarryTheLineOfTheirKey) {
  const std::string yaml = R"(sources:
  - name: inference
    type: prometheus
    prometheus:
      endpoints:
        - url: http://127.0.0.1:8002/metrics
      scenarios:
        - scenario_id: PD-03
          preset: tritom
          model: weld-defect-v3
)";
  v1::AgentConfig config;
  ConfigProblems problems("agent.yaml");
  LoadYamlText(yaml, &config, &problems);
  ASSERT_TRUE(problems.empty()) << problems.ToStatus();
  EXPECT_EQ(BuiltinSources().Create(config.sources(0), Bound({"PD-03"}), "sources[0]", &problems),
            nullptr);
  ASSERT_EQ(problems.problems().size(), 1u);
  EXPECT_EQ(
      problems.problems()[0].ToString(),
      "agent.yaml:9: sources[0].prometheus.scenarios[0].preset: must be one of: kserve, ovms, "
      "torchserve, triton, vllm; got 'tritom'");
}

TEST(PrometheusSourceTest, BeforeStartEveryScenarioIsNotStarted) {
  // The agent samples once before Start to size its spool: no I/O, no wait.
  const v1::SourceConfig config = Config(
      "prometheus { endpoints { url: 'http://127.0.0.1:1/metrics' } "
      "scenarios { scenario_id: 'PD-03' preset: 'triton' model: 'm' } }");
  ConfigProblems problems("agent.yaml");
  std::unique_ptr<KpiSource> source =
      BuiltinSources().Create(config, Bound({"PD-03"}), "sources[0]", &problems);
  ASSERT_NE(source, nullptr) << problems.ToStatus();
  SourceWindow w = source->TakeWindow(ReportWindow{0, 10000, 1});
  ASSERT_EQ(w.inferences.count("PD-03"), 1u);
  EXPECT_EQ(w.inferences["PD-03"].unknown_reason, "not started");
  EXPECT_THAT(w.work_units, IsEmpty());
  source->Stop();
}

}  // namespace
}  // namespace ftel
