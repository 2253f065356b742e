#include "aggregator/input/input_validator.h"

#include <cmath>
#include <functional>
#include <set>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kNow = 1800000000000;  // 2027-01-15
constexpr char kReportTopic[] = "ftel/v1/node/f1/n1/report";
constexpr char kStatusTopic[] = "ftel/v1/node/f1/n1/status";

v1::Report ValidReport() {
  v1::Report report;
  report.set_schema_version(1);
  report.mutable_identity()->set_factory_id("f1");
  report.mutable_identity()->set_node_id("n1");
  report.set_session_id(1);
  report.set_sequence(1);
  report.set_window_start_ms(kNow - 10000);
  report.set_window_end_ms(kNow);
  v1::ScenarioCoverage* s = report.add_scenarios();
  s->set_catalogue_id("PO-05");
  s->set_link("PO");
  s->set_built(true);
  s->set_ai_declared(true);
  v1::ScenarioCoverage* custom = report.add_scenarios();
  custom->set_custom_id("x-vision");
  custom->set_link("PO");
  custom->set_built(true);
  report.mutable_inventory()->set_terminals(10);
  report.mutable_inventory()->set_ai_capable_terminals(3);
  v1::WorkUnitElements* unit = report.add_work_units();
  unit->set_work_unit_id("line");
  unit->set_planned_busy_time_s(10);
  unit->set_actual_production_time_s(9);
  unit->set_produced_quantity(5);
  unit->set_good_quantity(4);
  return report;
}

v1::NodeStatus ValidStatus() {
  v1::NodeStatus status;
  status.set_schema_version(1);
  status.mutable_identity()->set_factory_id("f1");
  status.mutable_identity()->set_node_id("n1");
  status.set_state(v1::NodeStatus::ONLINE);
  status.set_started_at_ms(kNow - 60000);
  return status;
}

class InputValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
    ASSERT_TRUE(catalogue.ok());
    catalogue_ = *std::move(catalogue);
  }
  ValidationResult Validate(const std::string& topic, const std::string& payload) {
    InputValidator validator("ftel", &catalogue_, ValidationLimits{4096, 300000});
    ValidationResult result;
    validator.Validate(MqttMessage{topic, payload, 1, false}, kNow, &result);
    return result;
  }
  ScenarioCatalogue catalogue_;
};

// The service keeps one result for every message: nothing of the one
// before may show in the next.
TEST_F(InputValidatorTest, AReusedResultHoldsOnlyTheMessageInHand) {
  InputValidator validator("ftel", &catalogue_, ValidationLimits{4096, 300000});
  ValidationResult result;
  v1::Report first = ValidReport();
  first.mutable_scenarios(0)->mutable_evidence()->set_inference_count(7);
  validator.Validate(MqttMessage{kReportTopic, first.SerializeAsString(), 1, false}, kNow, &result);
  ASSERT_EQ(result.kind, ValidationResult::Kind::kReport) << result.detail;

  validator.Validate(MqttMessage{kReportTopic, "not a report", 1, false}, kNow, &result);
  EXPECT_EQ(result.kind, ValidationResult::Kind::kRejected);
  EXPECT_EQ(result.rejection, Rejection::kUndecodable);
  EXPECT_FALSE(result.settles);

  v1::Report bad = ValidReport();
  bad.mutable_scenarios(0)->set_built(false);  // declared but not built: settles
  validator.Validate(MqttMessage{kReportTopic, bad.SerializeAsString(), 1, false}, kNow, &result);
  EXPECT_TRUE(result.settles);
  validator.Validate(MqttMessage{kStatusTopic, "", 1, false}, kNow, &result);
  EXPECT_EQ(result.kind, ValidationResult::Kind::kStatusCleared);
  EXPECT_FALSE(result.settles);
  EXPECT_TRUE(result.detail.empty());

  v1::Report second = ValidReport();
  second.set_sequence(2);
  second.mutable_scenarios()->RemoveLast();
  second.clear_work_units();
  validator.Validate(MqttMessage{kReportTopic, second.SerializeAsString(), 1, false}, kNow,
                     &result);
  ASSERT_EQ(result.kind, ValidationResult::Kind::kReport) << result.detail;
  EXPECT_EQ(result.report.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(result.report.scenarios(0).evidence().inference_count(), 0u);
}

TEST_F(InputValidatorTest, ACustomScenarioMayShareACatalogueId) {
  v1::Report report = ValidReport();
  report.mutable_scenarios(1)->set_custom_id("PO-05");  // the catalogue scenario's id
  ValidationResult result = Validate(kReportTopic, report.SerializeAsString());
  EXPECT_EQ(result.kind, ValidationResult::Kind::kReport) << result.detail;
  report.mutable_scenarios(0)->set_catalogue_id("");
  result = Validate(kReportTopic, report.SerializeAsString());
  EXPECT_EQ(result.rejection, Rejection::kInconsistentCounts);
}

// Scenarios are checked in report order: the first fault names the reason.
TEST_F(InputValidatorTest, TheFirstFaultyScenarioInOrderNamesTheReason) {
  v1::Report report = ValidReport();
  report.mutable_scenarios(0)->set_catalogue_id("PO-99");  // unknown
  *report.add_scenarios() = report.scenarios(1);           // then a repeat
  ValidationResult result = Validate(kReportTopic, report.SerializeAsString());
  EXPECT_EQ(result.rejection, Rejection::kUnknownScenario) << result.detail;

  report = ValidReport();
  *report.add_scenarios() = report.scenarios(0);  // a repeat first
  report.mutable_scenarios(1)->set_link("XX");    // a custom one with an unknown link after it
  *report.add_scenarios() = report.scenarios(1);
  report.mutable_scenarios()->SwapElements(1, 2);
  result = Validate(kReportTopic, report.SerializeAsString());
  EXPECT_EQ(result.rejection, Rejection::kInconsistentCounts) << result.detail;
  EXPECT_NE(result.detail.find("'PO-05' is empty or repeated"), std::string::npos) << result.detail;
}

TEST_F(InputValidatorTest, ValidReportAndStatusPass) {
  ValidationResult report = Validate(kReportTopic, ValidReport().SerializeAsString());
  EXPECT_EQ(report.kind, ValidationResult::Kind::kReport) << report.detail;
  EXPECT_EQ(report.report.scenarios_size(), 2);
  ValidationResult status = Validate(kStatusTopic, ValidStatus().SerializeAsString());
  EXPECT_EQ(status.kind, ValidationResult::Kind::kStatus) << status.detail;
  EXPECT_EQ(Validate(kStatusTopic, "").kind, ValidationResult::Kind::kStatusCleared);
}

struct RejectionCase {
  const char* name;
  Rejection expected;
  const char* topic;
  std::function<std::string()> payload;
};

void PrintTo(const RejectionCase& c, std::ostream* out) { *out << c.name; }

std::string Mutated(const std::function<void(v1::Report*)>& change) {
  v1::Report report = ValidReport();
  change(&report);
  return report.SerializeAsString();
}

class InputValidatorRejects : public InputValidatorTest,
                              public ::testing::WithParamInterface<RejectionCase> {};

TEST_P(InputValidatorRejects, WithTheExactReason) {
  const RejectionCase& c = GetParam();
  const ValidationResult result = Validate(c.topic, c.payload());
  ASSERT_FALSE(result.ok()) << c.name;
  EXPECT_EQ(RejectionName(result.rejection), std::string(RejectionName(c.expected)))
      << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, InputValidatorRejects,
    ::testing::Values(
        RejectionCase{"TooLarge", Rejection::kTooLarge, kReportTopic,
                      [] { return std::string(5000, 'x'); }},
        RejectionCase{"UnknownTopic", Rejection::kUnknownTopic, "ftel/v1/node/f1/n1/config",
                      [] { return ValidReport().SerializeAsString(); }},
        RejectionCase{"UndecodableReport", Rejection::kUndecodable, kReportTopic,
                      [] { return std::string("\x0a\xff\xff\xff\xff\xff", 6); }},
        RejectionCase{"UndecodableStatus", Rejection::kUndecodable, kStatusTopic,
                      [] { return std::string("\xff\xff", 2); }},
        RejectionCase{"SchemaVersion", Rejection::kSchemaVersion, kReportTopic,
                      [] { return Mutated([](v1::Report* r) { r->set_schema_version(2); }); }},
        RejectionCase{"IdentityMismatch", Rejection::kIdentityMismatch, "ftel/v1/node/f2/n1/report",
                      [] { return ValidReport().SerializeAsString(); }},
        RejectionCase{"StatusIdentityMismatch", Rejection::kIdentityMismatch,
                      "ftel/v1/node/f1/n9/status",
                      [] { return ValidStatus().SerializeAsString(); }},
        RejectionCase{"EmptyWindow", Rejection::kBadWindow, kReportTopic,
                      [] {
                        return Mutated(
                            [](v1::Report* r) { r->set_window_start_ms(r->window_end_ms()); });
                      }},
        RejectionCase{"WindowLongerThanInt64", Rejection::kBadWindow, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->set_window_start_ms(-9000000000000000000);
                          r->set_window_end_ms(kNow);
                        });
                      }},
        RejectionCase{"FutureWindow", Rejection::kClockSkew, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->set_window_start_ms(kNow + 600000);
                          r->set_window_end_ms(kNow + 610000);
                        });
                      }},
        RejectionCase{"ClockNeverSet", Rejection::kClockSkew, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->set_window_start_ms(1000);
                          r->set_window_end_ms(11000);
                        });
                      }},
        RejectionCase{"NegativeTime", Rejection::kNegativeValue, kReportTopic,
                      [] {
                        return Mutated(
                            [](v1::Report* r) { r->mutable_work_units(0)->set_energy_kwh(-1); });
                      }},
        RejectionCase{"NotFinite", Rejection::kNegativeValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_work_units(0)->set_planned_busy_time_s(NAN);
                        });
                      }},
        RejectionCase{"GoodAboveProduced", Rejection::kInconsistentCounts, kReportTopic,
                      [] {
                        return Mutated(
                            [](v1::Report* r) { r->mutable_work_units(0)->set_good_quantity(6); });
                      }},
        RejectionCase{"AptAbovePbt", Rejection::kInconsistentCounts, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_work_units(0)->set_actual_production_time_s(11);
                        });
                      }},
        RejectionCase{"AiOnUnbuiltScenario", Rejection::kInconsistentCounts, kReportTopic,
                      [] {
                        return Mutated(
                            [](v1::Report* r) { r->mutable_scenarios(0)->set_built(false); });
                      }},
        RejectionCase{"AiTerminalsAboveTerminals", Rejection::kInconsistentCounts, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_inventory()->set_ai_capable_terminals(11);
                        });
                      }},
        RejectionCase{
            "RepeatedScenario", Rejection::kInconsistentCounts, kReportTopic,
            [] { return Mutated([](v1::Report* r) { *r->add_scenarios() = r->scenarios(0); }); }},
        RejectionCase{"UnknownCatalogueId", Rejection::kUnknownScenario, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_scenarios(0)->set_catalogue_id("PO-99");
                        });
                      }},
        RejectionCase{
            "WrongLink", Rejection::kUnknownScenario, kReportTopic,
            [] { return Mutated([](v1::Report* r) { r->mutable_scenarios(0)->set_link("PM"); }); }},
        RejectionCase{"StatusFromTheFarFuture", Rejection::kClockSkew, kStatusTopic,
                      [] {
                        // It would pin the node's state: the newest started_at wins.
                        v1::NodeStatus status = ValidStatus();
                        status.set_started_at_ms(INT64_MAX);
                        return status.SerializeAsString();
                      }},
        RejectionCase{"StatusBeforeTheClockWasSet", Rejection::kClockSkew, kStatusTopic,
                      [] {
                        v1::NodeStatus status = ValidStatus();
                        status.set_started_at_ms(0);
                        return status.SerializeAsString();
                      }},
        RejectionCase{"TimeLongerThanItsWindow", Rejection::kImplausibleValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          // 3,274 s of planned busy time in a 10 s window.
                          r->mutable_work_units(0)->set_planned_busy_time_s(3274);
                          r->mutable_work_units(0)->set_actual_production_time_s(3000);
                        });
                      }},
        RejectionCase{"HugeFiniteEnergy", Rejection::kImplausibleValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_work_units(0)->set_energy_kwh(1.7e308);
                        });
                      }},
        RejectionCase{"HugeRunTimePerUnit", Rejection::kImplausibleValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_work_units(0)->set_planned_run_time_per_unit_s(1.7e308);
                        });
                      }},
        RejectionCase{"HugeQuantity", Rejection::kImplausibleValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_work_units(0)->set_produced_quantity(UINT64_MAX);
                          r->mutable_work_units(0)->set_good_quantity(UINT64_MAX);
                        });
                      }},
        RejectionCase{"HugeInventory", Rejection::kImplausibleValue, kReportTopic,
                      [] {
                        return Mutated([](v1::Report* r) {
                          r->mutable_inventory()->set_terminals(UINT32_MAX);
                          r->mutable_inventory()->set_ai_capable_terminals(UINT32_MAX);
                        });
                      }},
        RejectionCase{"StatusWithoutState", Rejection::kBadStatus, kStatusTopic,
                      [] {
                        v1::NodeStatus status = ValidStatus();
                        status.set_state(v1::NodeStatus::STATE_UNSPECIFIED);
                        return status.SerializeAsString();
                      }}),
    [](const ::testing::TestParamInfo<RejectionCase>& info) {
      return std::string(info.param.name);
    });

TEST(RejectionNames, AreDistinctAndCoverEveryReason) {
  std::set<std::string> names;
  for (int i = 0; i < kRejectionCount; ++i) names.insert(RejectionName(RejectionByIndex(i)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kRejectionCount));
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace ftel
