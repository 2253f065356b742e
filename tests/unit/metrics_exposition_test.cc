// The /metrics output checked by a strict parser of the Prometheus text
// exposition format (0.0.4): every sample belongs to a family declared with
// HELP and TYPE before it, names and label names are valid, label values
// are well escaped, values parse, and no series appears twice.
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::map<std::string, double> samples;     // "name{labels}" -> value
  std::vector<std::string> errors;
};

// Parses `text`; every deviation from the format becomes an error.
Exposition ParseStrictly(const std::string& text) {
  static const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::regex kHelp("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
  static const std::regex kType(
      "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  static const std::regex kSample(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*"
      "\",?)*)\\})? "
      "([^ ]+)( -?[0-9]+)?");
  Exposition out;
  std::set<std::string> helped;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::smatch m;
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      if (!std::regex_match(line, m, kHelp))
        out.errors.push_back("bad HELP: " + line);
      else
        helped.insert(m[1]);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      if (!std::regex_match(line, m, kType)) {
        out.errors.push_back("bad TYPE: " + line);
      } else if (out.types.count(m[1]) > 0) {
        out.errors.push_back("second TYPE for " + m[1].str());
      } else {
        out.types[m[1]] = m[2];
      }
      continue;
    }
    if (line[0] == '#') continue;
    if (!std::regex_match(line, m, kSample)) {
      out.errors.push_back("line " + std::to_string(number) + " is not a sample: " + line);
      continue;
    }
    const std::string name = m[1];
    if (out.types.count(name) == 0 || helped.count(name) == 0) {
      out.errors.push_back("sample before its HELP/TYPE: " + line);
    }
    double value;
    const std::string text_value = m[4];
    if (!absl::SimpleAtod(text_value, &value) && text_value != "NaN" && text_value != "+Inf" &&
        text_value != "-Inf") {
      out.errors.push_back("bad value: " + line);
    }
    const std::string series = name + "{" + m[3].str() + "}";
    if (!out.samples.emplace(series, value).second) out.errors.push_back("duplicate: " + series);
  }
  return out;
}

v1::Report MakeReport(const std::string& factory, bool ai) {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id(factory);
  report.mutable_identity()->set_node_id("n1");
  report.mutable_identity()->set_sector("Consumer \"Goods\"");
  report.set_session_id(1);
  report.set_sequence(1);
  report.set_window_start_ms(1000);
  report.set_window_end_ms(2000);
  for (const char* id : {"PM-01", "PM-02"}) {
    v1::ScenarioCoverage* s = report.add_scenarios();
    s->set_catalogue_id(id);
    s->set_link("PM");
    s->set_built(true);
    s->set_ai_declared(ai && std::string(id) == "PM-01");
  }
  return report;
}

TEST(MetricsExposition, IsStrictlyValidAndCarriesTheRates) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok());
  FleetState state(3600000);
  state.ApplyReport(MakeReport("f1", true));
  state.ApplyReport(MakeReport("f2", false));
  MetricsSnapshot snapshot;
  snapshot.stats.reports = 2;
  snapshot.stats.rejected["identity_mismatch"] = 3;
  snapshot.broker_connected = true;
  snapshot.results = std::make_shared<const FleetResults>(ComputeResults(state, *catalogue, 3000));
  AggregatorMetrics metrics;
  metrics.Update(snapshot);

  const Exposition parsed = ParseStrictly(metrics.ExpositionText());
  for (const std::string& error : parsed.errors) ADD_FAILURE() << error;
  EXPECT_EQ(parsed.types.at("ftel_aggregator_rejected_total"), "counter");
  EXPECT_EQ(parsed.types.at("ftel_factory_scenario_penetration_ratio"), "gauge");
  EXPECT_EQ(parsed.samples.at("ftel_aggregator_rejected_total{reason=\"identity_mismatch\"}"), 3);
  EXPECT_EQ(parsed.samples.at("ftel_aggregator_rejected_total{reason=\"undecodable\"}"), 0);
  EXPECT_EQ(parsed.samples.at("ftel_aggregator_messages_total{type=\"report\"}"), 2);
  EXPECT_EQ(parsed.samples.at("ftel_aggregator_broker_connected{}"), 1);
  EXPECT_DOUBLE_EQ(
      parsed.samples.at(
          "ftel_factory_scenario_penetration_ratio{factory=\"f1\",basis=\"declared\"}"),
      0.5);
  EXPECT_DOUBLE_EQ(
      parsed.samples.at("ftel_group_scenario_penetration_ratio{group_kind=\"fleet\",group=\"all\","
                        "basis=\"declared\"}"),
      0.25);
  EXPECT_EQ(parsed.samples.at("ftel_group_factories_at_or_above_mark{group_kind=\"fleet\","
                              "group=\"all\",basis=\"declared\",mark=\"0.2\"}"),
            1);
  // Sector names become topic-level keys, safe as label values.
  EXPECT_EQ(
      parsed.samples.count("ftel_group_factories{group_kind=\"sector\",group=\"consumer-goods\"}"),
      1u);
}

TEST(MetricsExposition, NotANumberIsSpelledAsTheFormatSpellsIt) {
  // prometheus-cpp's own serialisation of a NaN gauge, as the exporter uses it.
  prometheus::MetricFamily family;
  family.name = "ftel_test_gauge";
  family.help = "h";
  family.type = prometheus::MetricType::Gauge;
  family.metric.emplace_back();
  family.metric.back().gauge.value = std::nan("");
  family.metric.back().label.push_back({"factory", "Nan"});
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, {family});
  const std::string text = SpellNaN(out.str());
  EXPECT_NE(text.find("ftel_test_gauge{factory=\"Nan\"} NaN\n"), std::string::npos) << text;
  EXPECT_TRUE(ParseStrictly(text).errors.empty());
}

TEST(MetricsExposition, TheParserCatchesBadOutput) {
  EXPECT_FALSE(ParseStrictly("x 1\n").errors.empty());  // no TYPE
  EXPECT_FALSE(ParseStrictly("# HELP x h\n# TYPE x gauge\nx{a=\"b} 1\n").errors.empty());
  EXPECT_FALSE(ParseStrictly("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n").errors.empty());
  EXPECT_TRUE(ParseStrictly("# HELP x h\n# TYPE x gauge\nx{a=\"q\\\"\"} 1\n").errors.empty());
}

}  // namespace
}  // namespace ftel
