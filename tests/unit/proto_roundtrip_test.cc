#include "ftel/v1/report.pb.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

v1::Report FullReport() {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id("f1");
  report.mutable_identity()->set_node_id("n1");
  report.mutable_identity()->set_sector("electronics");
  report.set_session_id(0xfedcba9876543210ULL);
  report.set_sequence(42);
  report.set_window_start_ms(1700000000000);
  report.set_window_end_ms(1700000010000);
  report.set_is_historical(true);
  v1::ScenarioCoverage* s = report.add_scenarios();
  s->set_catalogue_id("PO-05");
  s->set_link("PO");
  s->set_built(true);
  s->set_ai_declared(true);
  s->mutable_evidence()->set_inference_count(1234);
  s->mutable_evidence()->add_model_ids("defect-vision-v3");
  s->mutable_evidence()->add_agent_ids("qa-agent");
  report.add_scenarios()->set_custom_id("x-paint");
  report.mutable_inventory()->set_terminals(10);
  v1::WorkUnitElements* unit = report.add_work_units();
  unit->set_work_unit_id("line-1");
  unit->set_planned_busy_time_s(10.5);
  unit->set_produced_quantity(7);
  return report;
}

TEST(ProtoRoundTrip, ReportSurvivesBinaryEncoding) {
  const v1::Report original = FullReport();
  v1::Report decoded;
  ASSERT_TRUE(decoded.ParseFromString(original.SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(original, decoded));
  EXPECT_EQ(decoded.scenarios(1).scenario_case(), v1::ScenarioCoverage::kCustomId);
}

TEST(ProtoRoundTrip, ReportSurvivesJson) {
  const v1::Report original = FullReport();
  const std::string json = ToJson(original);
  EXPECT_THAT(json, HasSubstr("\"factory_id\":\"f1\""));
  EXPECT_THAT(json, HasSubstr("\"session_id\":\"18364758544493064720\""));
  v1::Report decoded;
  ASSERT_TRUE(FromJson(json, &decoded).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(original, decoded));
}

TEST(ProtoRoundTrip, UndefinedPercentIsAbsentFromJson) {
  v1::Ratio ratio;
  ratio.set_numerator(0);
  ratio.set_denominator(0);
  EXPECT_EQ(ToJson(ratio), "{\"numerator\":0,\"denominator\":0}");
  ratio.set_percent(0);
  EXPECT_THAT(ToJson(ratio), HasSubstr("\"percent\":0"));
}

TEST(ProtoRoundTrip, StrictJsonRejectsUnknownFields) {
  v1::NodeStatus status;
  EXPECT_FALSE(FromJson("{\"state\":\"ONLINE\",\"surprise\":1}", &status).ok());
  EXPECT_TRUE(FromJson("{\"state\":\"ONLINE\"}", &status).ok());
  EXPECT_EQ(status.state(), v1::NodeStatus::ONLINE);
}

TEST(ProtoRoundTrip, GarbageIsNotAReport) {
  v1::Report report;
  EXPECT_FALSE(report.ParseFromString(std::string("\xff\xff\xff\xff", 4)));
}

TEST(JsonQuote, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace ftel
