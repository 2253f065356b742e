#include "agent/sources/file/json_bindings.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "libftel/schema/json_path.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

v1::FileSourceConfig Config(const std::string& text) {
  v1::FileSourceConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return config;
}

google::protobuf::Value Doc(const std::string& json) { return *ParseJsonValue(json); }

constexpr char kBindings[] = R"pb(
  scenarios {
    scenario_id: "PD-02"
    inferences { field: "ai.total" }
  }
  scenarios {
    scenario_id: "PM-05"
    inferences { field: "runs" kind: SUM }
  }
  work_units {
    work_unit_id: "line-1"
    planned_run_time_per_unit_s: 30
    planned_busy_time_s { field: "l1.planned_min" scale: 60 }
    actual_production_time_s { field: "l1.running_min" scale: 60 }
    produced_quantity { field: "l1.produced" }
    good_quantity { field: "l1.good" }
  }
)pb";

TEST(JsonWindowAccumulatorTest, CountersNeedABaselineThenGiveTheirIncrease) {
  const v1::FileSourceConfig config = Config(kBindings);
  JsonWindowAccumulator acc(config.scenarios(), config.work_units());
  SourceWindow before = acc.Take();
  EXPECT_EQ(before.inferences["PD-02"].unknown_reason, "not started");

  acc.AddDocument(Doc(R"({"ai": {"total": 1000}, "runs": 2,
                          "l1": {"planned_min": 100, "running_min": 90, "produced": 500, "good": 490}})"));
  SourceWindow first = acc.Take();
  EXPECT_FALSE(first.inferences["PD-02"].known());
  EXPECT_EQ(first.inferences["PD-02"].unknown_reason, "no baseline yet");
  EXPECT_EQ(first.inferences["PM-05"].value, std::optional<uint64_t>(2));  // a sum needs none
  EXPECT_FALSE(first.work_units["line-1"].known());

  acc.AddDocument(Doc(R"({"ai": {"total": 1010}, "runs": 1,
                          "l1": {"planned_min": 101, "running_min": 90.5, "produced": 515, "good": 503}})"));
  acc.AddDocument(Doc(R"({"ai": {"total": 1025}, "runs": 0,
                          "l1": {"planned_min": 102, "running_min": 91, "produced": 530, "good": 517}})"));
  SourceWindow second = acc.Take();
  EXPECT_EQ(second.inferences["PD-02"].value, std::optional<uint64_t>(25));
  EXPECT_EQ(second.inferences["PM-05"].value, std::optional<uint64_t>(1));
  ASSERT_TRUE(second.work_units["line-1"].known());
  const v1::WorkUnitElements& e = *second.work_units["line-1"].value;
  EXPECT_DOUBLE_EQ(e.planned_busy_time_s(), 120);
  EXPECT_DOUBLE_EQ(e.actual_production_time_s(), 60);
  EXPECT_EQ(e.produced_quantity(), 30u);
  EXPECT_EQ(e.good_quantity(), 27u);
  EXPECT_DOUBLE_EQ(e.planned_run_time_per_unit_s(), 30);
}

TEST(JsonWindowAccumulatorTest, AFailedReadIsUnknownWithItsReasonNeverZero) {
  const v1::FileSourceConfig config = Config(kBindings);
  JsonWindowAccumulator acc(config.scenarios(), config.work_units());
  acc.AddDocument(Doc(
      R"({"ai": {"total": 5}, "runs": 0, "l1": {"planned_min": 1, "running_min": 1, "produced": 1, "good": 1}})"));
  acc.Take();
  acc.AddFailure("/var/lib/mes/export.json: cannot open: No such file or directory");
  SourceWindow seen = acc.Take();
  EXPECT_FALSE(seen.inferences["PD-02"].known());
  EXPECT_THAT(seen.inferences["PD-02"].unknown_reason, HasSubstr("No such file"));
  EXPECT_FALSE(seen.inferences["PM-05"].known());
  EXPECT_THAT(seen.work_units["line-1"].unknown_reason, HasSubstr("No such file"));
  // Back: the kept baseline carries what happened meanwhile.
  acc.AddDocument(Doc(
      R"({"ai": {"total": 45}, "runs": 0, "l1": {"planned_min": 2, "running_min": 2, "produced": 2, "good": 2}})"));
  EXPECT_EQ(acc.Take().inferences["PD-02"].value, std::optional<uint64_t>(40));
  // A window with no poll at all is unknown too.
  EXPECT_EQ(acc.Take().inferences["PD-02"].unknown_reason, "no reading in this window");
}

TEST(JsonWindowAccumulatorTest, AMissingFieldOrACounterResetIsHandled) {
  const v1::FileSourceConfig config = Config(kBindings);
  JsonWindowAccumulator acc(config.scenarios(), config.work_units());
  acc.AddDocument(Doc(R"({"runs": 1})"));
  SourceWindow seen = acc.Take();
  EXPECT_EQ(seen.inferences["PD-02"].unknown_reason, "no field ai");
  EXPECT_THAT(seen.work_units["line-1"].unknown_reason, HasSubstr("no field l1"));
  acc.AddDocument(Doc(R"({"ai": {"total": 900}})"));
  acc.AddDocument(Doc(R"({"ai": {"total": 12}})"));  // the server restarted
  EXPECT_EQ(acc.Take().inferences["PD-02"].value, std::optional<uint64_t>(12));
}

TEST(JsonWindowAccumulatorTest, AQuietPollKnowsSumsAndCountersThatStoodStill) {
  const v1::FileSourceConfig config = Config(kBindings);
  JsonWindowAccumulator acc(config.scenarios(), config.work_units());
  acc.AddQuietPoll();
  SourceWindow seen = acc.Take();
  EXPECT_EQ(seen.inferences["PM-05"].value, std::optional<uint64_t>(0));
  EXPECT_EQ(seen.inferences["PD-02"].unknown_reason, "no reading yet");
}

TEST(CheckJsonBindingsTest, NamesEachProblemWithItsKey) {
  const v1::FileSourceConfig config = Config(R"pb(
    scenarios {
      scenario_id: "PD-02"
      inferences { field: "a..b" }
    }
    scenarios {
      scenario_id: "XX-99"
      inferences { field: "x" scale: -1 }
    }
    work_units { work_unit_id: "line-1" }
  )pb");
  SourceBindings bindings;
  bindings.scenario_ids = {"PD-02", "PM-05"};
  bindings.work_unit_ids = {"line-1", "line-2"};
  ConfigProblems problems("agent.yaml");
  CheckJsonBindings(config.scenarios(), config.work_units(), bindings, "sources[1].file",
                    &problems);
  const std::string text(problems.ToStatus().message());
  EXPECT_THAT(text, HasSubstr("sources[1].file.scenarios[0].inferences.field"));
  EXPECT_THAT(text, HasSubstr("sources[1].file.scenarios[1].scenario_id"));
  EXPECT_THAT(text, HasSubstr("sources[1].file.scenarios[1].inferences.scale"));
  EXPECT_THAT(text, HasSubstr("needs an entry for scenario 'PM-05'"));
  EXPECT_THAT(text, HasSubstr("sources[1].file.work_units[0]: needs at least one element"));
  EXPECT_THAT(text, HasSubstr("needs an entry for work unit 'line-2'"));
}

}  // namespace
}  // namespace ftel
