// The exposition parser on texts shaped like each inference server's
// documented output, on every feature of the format, and on malformed input.
#include "agent/sources/prometheus/exposition_parser.h"

#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Exposition Parsed(const std::string& text) {
  absl::StatusOr<Exposition> parsed = ParseExposition(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : Exposition{};
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Exposition> parsed = ParseExposition(text);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << text;
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(ExpositionParserTest, TritonShape) {
  const Exposition e = Parsed(
      "# HELP nv_inference_request_success Number of successful inference requests, all batch "
      "sizes\n"
      "# TYPE nv_inference_request_success counter\n"
      "nv_inference_request_success{model=\"weld-defect-v3\",version=\"1\"} 1520\n"
      "# HELP nv_inference_count Number of inferences performed (does not include cached "
      "requests)\n"
      "# TYPE nv_inference_count counter\n"
      "nv_inference_count{model=\"weld-defect-v3\",version=\"1\"} 3040\n"
      "nv_inference_count{model=\"densenet_onnx\",version=\"1\"} 7\n"
      "# HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)\n"
      "# TYPE nv_gpu_utilization gauge\n"
      "nv_gpu_utilization{gpu_uuid=\"GPU-b9b2d0f1\"} 0.25\n");
  ASSERT_EQ(e.samples.size(), 4u);
  EXPECT_EQ(e.samples[1].name, "nv_inference_count");
  EXPECT_THAT(e.samples[1].labels,
              ElementsAre(Pair("model", "weld-defect-v3"), Pair("version", "1")));
  EXPECT_EQ(e.samples[1].value, 3040);
  EXPECT_EQ(e.samples[1].line, 6);
  ASSERT_EQ(e.families.size(), 3u);
  EXPECT_EQ(e.families[1].type, "counter");
  EXPECT_EQ(e.families[1].help,
            "Number of inferences performed (does not include cached requests)");
}

TEST(ExpositionParserTest, VllmShapeWithColonsInNames) {
  const Exposition e = Parsed(
      "# HELP vllm:request_success_total Count of successfully processed requests.\n"
      "# TYPE vllm:request_success_total counter\n"
      "vllm:request_success_total{finished_reason=\"stop\",model_name=\"llama-3-8b\"} 41.0\n"
      "vllm:request_success_total{finished_reason=\"length\",model_name=\"llama-3-8b\"} 2.0\n"
      "# HELP vllm:iteration_tokens_total Histogram of number of tokens per engine_step.\n"
      "# TYPE vllm:iteration_tokens_total histogram\n"
      "vllm:iteration_tokens_total_bucket{le=\"1.0\",model_name=\"llama-3-8b\"} 3.0\n"
      "vllm:iteration_tokens_total_bucket{le=\"+Inf\",model_name=\"llama-3-8b\"} 9.0\n");
  ASSERT_EQ(e.samples.size(), 4u);
  EXPECT_EQ(e.samples[0].name, "vllm:request_success_total");
  EXPECT_THAT(e.samples[0].labels,
              ElementsAre(Pair("finished_reason", "stop"), Pair("model_name", "llama-3-8b")));
  EXPECT_EQ(e.samples[1].value, 2.0);
  EXPECT_THAT(e.samples[3].labels,
              ElementsAre(Pair("le", "+Inf"), Pair("model_name", "llama-3-8b")));
}

TEST(ExpositionParserTest, OvmsShape) {
  const Exposition e = Parsed(
      "# HELP ovms_requests_success Number of successful requests to a model or a DAG.\n"
      "# TYPE ovms_requests_success counter\n"
      "ovms_requests_success{api=\"KServe\",interface=\"REST\",method=\"ModelReady\",name=\"paint-"
      "check\"} 0\n"
      "ovms_requests_success{api=\"KServe\",interface=\"gRPC\",method=\"ModelInfer\",name=\"paint-"
      "check\",version=\"1\"} 250\n"
      "ovms_requests_success{api=\"TensorFlowServing\",interface=\"gRPC\",method=\"Predict\","
      "name=\"paint-check\",version=\"1\"} 4\n");
  ASSERT_EQ(e.samples.size(), 3u);
  EXPECT_EQ(e.samples[1].labels.size(), 5u);
  EXPECT_EQ(e.samples[1].labels[3],
            std::make_pair(std::string("name"), std::string("paint-check")));
  EXPECT_EQ(e.samples[1].value, 250);
}

TEST(ExpositionParserTest, TorchServeShapeWithTrailingComma) {
  // TorchServe's Java exporter ends every label set with a comma.
  const Exposition e = Parsed(
      "# HELP ts_inference_requests_total Total number of inference requests.\n"
      "# TYPE ts_inference_requests_total counter\n"
      "ts_inference_requests_total{uuid=\"e2b7b1f4\",model_name=\"screw-detect\",model_version="
      "\"default\",} 17.0\n"
      "# HELP DiskUsage Torchserve prometheus gauge metric with unit: Gigabytes\n"
      "# TYPE DiskUsage gauge\n"
      "DiskUsage{Level=\"Host\",Hostname=\"edge-01\",} 20.05\n");
  ASSERT_EQ(e.samples.size(), 2u);
  EXPECT_THAT(e.samples[0].labels,
              ElementsAre(Pair("model_name", "screw-detect"), Pair("model_version", "default"),
                          Pair("uuid", "e2b7b1f4")));
  EXPECT_EQ(e.samples[0].value, 17.0);
}

TEST(ExpositionParserTest, KServeHistogramShape) {
  const Exposition e = Parsed(
      "# HELP request_predict_seconds predict latency\n"
      "# TYPE request_predict_seconds histogram\n"
      "request_predict_seconds_bucket{le=\"0.005\",model_name=\"sklearn-iris\"} 1.0\n"
      "request_predict_seconds_bucket{le=\"+Inf\",model_name=\"sklearn-iris\"} 3.0\n"
      "request_predict_seconds_count{model_name=\"sklearn-iris\"} 3.0\n"
      "request_predict_seconds_sum{model_name=\"sklearn-iris\"} 0.0042\n"
      "# HELP request_predict_seconds_created predict latency\n"
      "# TYPE request_predict_seconds_created gauge\n"
      "request_predict_seconds_created{model_name=\"sklearn-iris\"} 1.7e+09\n");
  ASSERT_EQ(e.samples.size(), 5u);
  EXPECT_EQ(e.samples[2].name, "request_predict_seconds_count");
  EXPECT_EQ(e.samples[2].value, 3.0);
  EXPECT_EQ(e.samples[4].value, 1.7e9);
  EXPECT_EQ(e.families[0].type, "histogram");
}

TEST(ExpositionParserTest, EscapedLabelValuesAndHelp) {
  const Exposition e = Parsed(
      "# HELP weird A \\\\ backslash\\nand a newline\n"
      "weird{path=\"C:\\\\models\\\\v3\",quote=\"say \\\"hi\\\"\",multi=\"a\\nb\"} 1\n");
  ASSERT_EQ(e.samples.size(), 1u);
  EXPECT_THAT(e.samples[0].labels,
              ElementsAre(Pair("multi", "a\nb"), Pair("path", "C:\\models\\v3"),
                          Pair("quote", "say \"hi\"")));
  EXPECT_EQ(e.families[0].help, "A \\ backslash\nand a newline");
  EXPECT_EQ(SeriesKey(e.samples[0].name, e.samples[0].labels),
            "weird{multi=\"a\\nb\",path=\"C:\\\\models\\\\v3\",quote=\"say \\\"hi\\\"\"}");
}

TEST(ExpositionParserTest, TimestampsSpecialValuesBlanksAndComments) {
  const Exposition e = Parsed(
      "\n"
      "# just a comment\n"
      "#\n"
      "   \n"
      "a 1 1712345678901\n"
      "b{x=\"1\"} NaN\n"
      "c +Inf -5\n"
      "d\t-Inf\n"
      "e {  x = \"y\" ,  } 2.5e3\r\n"
      "f{} 0\n"
      "g 7");  // the last line without its newline
  ASSERT_EQ(e.samples.size(), 7u);
  EXPECT_EQ(e.samples[0].timestamp_ms, std::optional<int64_t>(1712345678901));
  EXPECT_FALSE(e.samples[1].timestamp_ms.has_value());
  EXPECT_TRUE(std::isnan(e.samples[1].value));
  EXPECT_EQ(e.samples[2].value, INFINITY);
  EXPECT_EQ(e.samples[2].timestamp_ms, std::optional<int64_t>(-5));
  EXPECT_EQ(e.samples[3].value, -INFINITY);
  EXPECT_THAT(e.samples[4].labels, ElementsAre(Pair("x", "y")));
  EXPECT_EQ(e.samples[4].value, 2500);
  EXPECT_TRUE(e.samples[5].labels.empty());
  EXPECT_EQ(e.samples[6].value, 7);
  EXPECT_EQ(e.samples[6].line, 11);
}

TEST(ExpositionParserTest, FamiliesWithoutSamples) {
  const Exposition e = Parsed(
      "# HELP Requests5XX Torchserve prometheus counter metric with unit: Count\n"
      "# TYPE Requests5XX counter\n"
      "# TYPE nv_inference_count counter\n"
      "# HELP empty_help\n");
  EXPECT_TRUE(e.samples.empty());
  ASSERT_EQ(e.families.size(), 3u);
  EXPECT_EQ(e.families[0].name, "Requests5XX");
  EXPECT_EQ(e.families[0].type, "counter");
  EXPECT_EQ(e.families[1].help, "");
  EXPECT_EQ(e.families[2].help, "");
  EXPECT_EQ(e.families[2].type, "");
}

TEST(ExpositionParserTest, MalformedLinesSayWhichAndWhy) {
  EXPECT_EQ(ErrorOf("ok 1\nbad{model=\"x\" 1\n"),
            "line 2: expected ',' or '}' after a label value, got '1'");
  EXPECT_EQ(ErrorOf("a{model} 1"), "line 1: expected '=' after label name 'model', got '}'");
  EXPECT_EQ(ErrorOf("a{model=x} 1"), "line 1: expected '\"' opening the value of 'model', got 'x'");
  EXPECT_EQ(ErrorOf("a{m=\"x} 1"), "line 1: label value not closed with '\"'");
  EXPECT_THAT(ErrorOf("a{m=\"\\t\"} 1"), HasSubstr("line 1: invalid escape"));
  EXPECT_EQ(ErrorOf("a{,} 1"), "line 1: expected a label name or '}', got ','");
  EXPECT_EQ(ErrorOf("a{m=\"1\",m=\"2\"} 1"), "line 1: label 'm' twice");
  EXPECT_EQ(ErrorOf("a"), "line 1: expected a value for 'a', got end of line");
  EXPECT_EQ(ErrorOf("\n\na one"), "line 3: value of 'a' is not a number: 'one'");
  EXPECT_EQ(ErrorOf("a 1 soon"),
            "line 1: timestamp of 'a' is not an integer of milliseconds: 'soon'");
  EXPECT_EQ(ErrorOf("a 1 2 3"), "line 1: expected end of line after the timestamp, got '3'");
  EXPECT_EQ(ErrorOf("9lives 1"), "line 1: expected a metric name, got '9'");
  EXPECT_EQ(ErrorOf("a-b 1"), "line 1: expected a blank or '{' after the metric name 'a', got '-'");
  EXPECT_EQ(ErrorOf("# TYPE a countr\n"),
            "line 1: type must be counter, gauge, histogram, summary or untyped, got 'countr'");
  EXPECT_EQ(ErrorOf("# TYPE a counter\n# TYPE a gauge\n"), "line 2: second TYPE line for 'a'");
  EXPECT_EQ(ErrorOf("# HELP\n"), "line 1: expected a metric name after # HELP, got end of line");
  EXPECT_EQ(ErrorOf("a{m=\"x\"} 1\x01"), "line 1: value of 'a' is not a number: '1\x01'");
  EXPECT_EQ(ErrorOf("a --1"), "line 1: value of 'a' is not a number: '--1'");
}

TEST(ExpositionParserTest, GarbageNeverCrashes) {
  const std::string valid =
      "# HELP nv_inference_count Number of inferences\n# TYPE nv_inference_count counter\n"
      "nv_inference_count{model=\"a\\\"b\",version=\"1\",} 12 1712345678901\nx NaN\n";
  std::mt19937 random(12);
  int parsed_ok = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < edits; ++i) {
      const size_t at = random() % (text.size() + 1);
      switch (random() % 3) {
        case 0:
          text.insert(at, 1, static_cast<char>(random() % 256));
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = "{}\",=\\ \n#+-.eE"[random() % 15];
      }
    }
    absl::StatusOr<Exposition> e = ParseExposition(text);
    if (e.ok()) {
      ++parsed_ok;
    } else {
      EXPECT_THAT(std::string(e.status().message()), ::testing::StartsWith("line "));
    }
  }
  EXPECT_GT(parsed_ok, 0);  // the edits leave some texts valid
}

}  // namespace
}  // namespace ftel
