// Series matching (exact, regex, sums), counters turned into increments
// (baseline, restart) and the window hand-over between threads.
#include <cmath>

#include "agent/sources/prometheus/exposition_parser.h"
#include "agent/sources/prometheus/scrape_increments.h"
#include "agent/sources/prometheus/series_matcher.h"
#include "agent/sources/prometheus/window_accumulator.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

Exposition Scrape(const std::string& text) {
  absl::StatusOr<Exposition> parsed = ParseExposition(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : Exposition{};
}

SeriesMatcher Matcher(std::string metric, std::vector<LabelCondition> conditions) {
  absl::StatusOr<SeriesMatcher> m = SeriesMatcher::Create(std::move(metric), std::move(conditions));
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

Sample SampleOf(const std::string& line) { return Scrape(line).samples.at(0); }

TEST(SeriesMatcherTest, ExactAndRegexConditionsMustAllHold) {
  const SeriesMatcher m = Matcher("nv_inference_count", {LabelCondition::Equals("model", "weld"),
                                                         LabelCondition::Regex("version", "[12]")});
  EXPECT_TRUE(m.Matches(SampleOf("nv_inference_count{model=\"weld\",version=\"2\"} 1")));
  EXPECT_FALSE(m.Matches(SampleOf("nv_inference_count{model=\"weld\",version=\"3\"} 1")));
  EXPECT_FALSE(m.Matches(SampleOf("nv_inference_count{model=\"weld2\",version=\"1\"} 1")));
  EXPECT_FALSE(m.Matches(SampleOf("nv_inference_request_success{model=\"weld\",version=\"1\"} 1")));
  EXPECT_EQ(m.Describe(), "nv_inference_count{model=\"weld\",version=~\"[12]\"}");
}

TEST(SeriesMatcherTest, RegexIsAnchoredAndAMissingLabelIsEmpty) {
  const SeriesMatcher m = Matcher("x", {LabelCondition::Regex("model", "weld")});
  EXPECT_TRUE(m.Matches(SampleOf("x{model=\"weld\"} 1")));
  EXPECT_FALSE(m.Matches(SampleOf("x{model=\"weld-v3\"} 1")));  // not a substring search
  const SeriesMatcher absent = Matcher("x", {LabelCondition::Regex("shard", "|0")});
  EXPECT_TRUE(absent.Matches(SampleOf("x{model=\"weld\"} 1")));
  EXPECT_FALSE(absent.Matches(SampleOf("x{shard=\"1\"} 1")));
}

TEST(SeriesMatcherTest, ABadRegexIsAnError) {
  absl::StatusOr<SeriesMatcher> m = SeriesMatcher::Create("x", {LabelCondition::Regex("a", "(")});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("is not a valid regular expression: '('"), std::string::npos);
}

TEST(ScrapeIncrementsTest, FirstScrapeIsTheBaselineThenIncrementsAreSummed) {
  // vLLM counts successes per finished_reason: the scenario sums them.
  ScrapeIncrements increments(
      {Matcher("vllm:request_success_total", {LabelCondition::Equals("model_name", "assist")})});
  std::vector<Figure<double>> first = increments.Observe(
      Scrape("vllm:request_success_total{finished_reason=\"stop\",model_name=\"assist\"} 100\n"
             "vllm:request_success_total{finished_reason=\"length\",model_name=\"assist\"} 10\n"
             "vllm:request_success_total{finished_reason=\"stop\",model_name=\"other\"} 5000\n"));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].known());
  EXPECT_EQ(first[0].unknown_reason, "no baseline yet");
  std::vector<Figure<double>> second = increments.Observe(
      Scrape("vllm:request_success_total{finished_reason=\"stop\",model_name=\"assist\"} 130\n"
             "vllm:request_success_total{finished_reason=\"length\",model_name=\"assist\"} 12\n"
             "vllm:request_success_total{finished_reason=\"stop\",model_name=\"other\"} 9000\n"));
  EXPECT_EQ(second[0].value, std::optional<double>(32));
  EXPECT_EQ(increments.tracked_series(), 2u);  // the other model is not followed
}

TEST(ScrapeIncrementsTest, ADropIsARestartNeverNegativeOrHuge) {
  ScrapeIncrements increments({Matcher("nv_inference_count", {})});
  increments.Observe(Scrape("nv_inference_count{model=\"a\"} 5000\n"));
  std::vector<Figure<double>> after_restart =
      increments.Observe(Scrape("nv_inference_count{model=\"a\"} 40\n"));
  EXPECT_EQ(after_restart[0].value, std::optional<double>(40));
  EXPECT_EQ(increments.Observe(Scrape("nv_inference_count{model=\"a\"} 45\n"))[0].value,
            std::optional<double>(5));
}

TEST(ScrapeIncrementsTest, SeriesAreKeyedByTheirFullLabelSet) {
  // Two versions of one model: a drop of one is its own restart, not a
  // negative step of a sum.
  ScrapeIncrements increments(
      {Matcher("nv_inference_count", {LabelCondition::Equals("model", "weld")})});
  increments.Observe(
      Scrape("nv_inference_count{model=\"weld\",version=\"1\"} 100\n"
             "nv_inference_count{model=\"weld\",version=\"2\"} 50\n"));
  std::vector<Figure<double>> next =
      increments.Observe(Scrape("nv_inference_count{model=\"weld\",version=\"1\"} 110\n"
                                "nv_inference_count{model=\"weld\",version=\"2\"} 3\n"));
  EXPECT_EQ(next[0].value, std::optional<double>(13));
}

TEST(ScrapeIncrementsTest, AMetricNotFoundSaysWhichAndKeepsOtherBaselines) {
  ScrapeIncrements increments(
      {Matcher("weld_total", {LabelCondition::Equals("line", "3")}), Matcher("paint_total", {})});
  increments.Observe(Scrape("paint_total 7\n"));
  std::vector<Figure<double>> next = increments.Observe(Scrape("paint_total 9\nweld_total 1\n"));
  EXPECT_EQ(next[0].unknown_reason, "metric weld_total{line=\"3\"} not found");
  EXPECT_EQ(next[1].value, std::optional<double>(2));
}

TEST(ScrapeIncrementsTest, ASeriesFirstSeenAfterTheFirstScrapeCountsFromZero) {
  ScrapeIncrements increments({Matcher("ts_inference_requests_total", {})});
  EXPECT_EQ(
      increments.Observe(Scrape("# TYPE ts_inference_requests_total counter\n"))[0].unknown_reason,
      "metric ts_inference_requests_total not found");
  // The model's first requests create its series.
  EXPECT_EQ(
      increments.Observe(Scrape("ts_inference_requests_total{model_name=\"a\",} 4\n"))[0].value,
      std::optional<double>(4));
  EXPECT_EQ(increments
                .Observe(Scrape("ts_inference_requests_total{model_name=\"a\",} 6\n"
                                "ts_inference_requests_total{model_name=\"b\",} 1\n"))[0]
                .value,
            std::optional<double>(3));
}

TEST(ScrapeIncrementsTest, ASeriesListedTwiceCountsOnce) {
  ScrapeIncrements increments({Matcher("a", {})});
  increments.Observe(Scrape("a 1\n"));
  EXPECT_EQ(increments.Observe(Scrape("a 4\na 4\n"))[0].value, std::optional<double>(3));
}

TEST(ScrapeIncrementsTest, NaNDropsTheBaseline) {
  ScrapeIncrements increments({Matcher("a", {})});
  increments.Observe(Scrape("a 10\n"));
  EXPECT_EQ(increments.Observe(Scrape("a NaN\n"))[0].unknown_reason, "no baseline yet");
  EXPECT_FALSE(increments.Observe(Scrape("a 12\n"))[0].known());  // a new baseline
  EXPECT_EQ(increments.Observe(Scrape("a 15\n"))[0].value, std::optional<double>(3));
}

TEST(WindowAccumulatorTest, NotStartedThenSumsWhatTheScrapesGave) {
  WindowAccumulator acc({{"PD-03", {0}}}, 1);
  EXPECT_EQ(acc.Take()["PD-03"].unknown_reason, "not started");
  acc.Start();
  EXPECT_EQ(acc.Take()["PD-03"].unknown_reason, "no scrape finished in this window");
  acc.RecordScrape(0, {{"PD-03", Figure<double>::Unknown("no baseline yet")}});
  EXPECT_EQ(acc.Take()["PD-03"].unknown_reason, "no baseline yet");
  acc.RecordScrape(0, {{"PD-03", Figure<double>::Known(5)}});
  acc.RecordScrape(0, {{"PD-03", Figure<double>::Known(7)}});
  EXPECT_EQ(acc.Take()["PD-03"].value, std::optional<uint64_t>(12));
  acc.RecordScrape(0, {{"PD-03", Figure<double>::Known(0)}});
  EXPECT_EQ(acc.Take()["PD-03"].value, std::optional<uint64_t>(0));  // known zero, not unknown
}

TEST(WindowAccumulatorTest, AFailedScrapeMakesTheWindowUnknownUnlessAnIncrementCame) {
  WindowAccumulator acc({{"PD-03", {0}}}, 1);
  acc.Start();
  acc.RecordFailure(0, "http 503");
  EXPECT_EQ(acc.Take()["PD-03"].unknown_reason, "http 503");
  // The outage goes on with no scrape finishing: still its reason.
  EXPECT_EQ(acc.Take()["PD-03"].unknown_reason, "http 503");
  acc.RecordScrape(0, {{"PD-03", Figure<double>::Known(4)}});
  acc.RecordFailure(0, "timeout after 300 ms");
  EXPECT_EQ(acc.Take()["PD-03"].value, std::optional<uint64_t>(4));
}

TEST(WindowAccumulatorTest, AScenarioOverSeveralEndpointsNeedsEachOfThem) {
  WindowAccumulator acc({{"PM-02", {0, 1}}}, 2);
  acc.Start();
  acc.RecordScrape(0, {{"PM-02", Figure<double>::Known(3)}});
  acc.RecordFailure(1, "unreachable: connection refused");
  EXPECT_EQ(acc.Take()["PM-02"].unknown_reason, "unreachable: connection refused");
  acc.RecordScrape(0, {{"PM-02", Figure<double>::Known(3)}});
  acc.RecordScrape(1, {{"PM-02", Figure<double>::Known(4)}});
  EXPECT_EQ(acc.Take()["PM-02"].value, std::optional<uint64_t>(7));
}

}  // namespace
}  // namespace ftel
