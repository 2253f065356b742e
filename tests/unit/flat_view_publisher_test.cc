#include "aggregator/outputs/flat_view_publisher.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_mqtt_transport.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::shared_ptr<const v1::FactorySummary> Factory(const std::string& id, uint64_t reports,
                                                  bool observed) {
  auto summary = std::make_shared<v1::FactorySummary>();
  summary->set_factory_id(id);
  summary->set_reports(reports);
  v1::ScenarioSummary* s = summary->add_scenarios();
  s->set_id("PO-05");
  s->set_built(true);
  s->set_ai_declared(true);
  s->set_ai_observed(observed);
  v1::ScenarioSummary* custom = summary->add_scenarios();
  custom->set_id("paint-line");
  custom->set_custom(true);
  custom->set_built(true);
  return summary;
}

// The factory views published from the `from`-th message on.
std::vector<std::string> FactoryTopics(const std::vector<MqttMessage>& messages, size_t from) {
  std::vector<std::string> topics;
  for (size_t i = from; i < messages.size(); ++i) {
    if (messages[i].topic.rfind("ftel/v1/flat/factory/", 0) == 0)
      topics.push_back(messages[i].topic);
  }
  return topics;
}

class FlatViewPublisherTest : public ::testing::Test {
 protected:
  FlatViewPublisherTest() { EXPECT_TRUE(transport_.Connect({}).ok()); }
  FakeMqttTransport transport_;
  FlatViewPublisher publisher_{"ftel", v1::AggregatorConfig::ALL_FLAT_VIEWS, &transport_};
};

TEST_F(FlatViewPublisherTest, OnlyChangedFactoriesAreRebuiltAfterTheFirstRound) {
  FleetResults results;
  results.factories = {Factory("a", 1, true), Factory("b", 1, true)};
  publisher_.Publish(results, {});
  EXPECT_THAT(FactoryTopics(transport_.published(), 0),
              UnorderedElementsAre("ftel/v1/flat/factory/a", "ftel/v1/flat/factory/b"))
      << "the first round offers every factory";
  size_t seen = transport_.published().size();
  // Both changed, but only "a" was rebuilt by the recompute: only it goes out.
  results.factories = {Factory("a", 2, true), Factory("b", 2, true)};
  publisher_.Publish(results, {DueFactory{"a", 0}});
  EXPECT_THAT(FactoryTopics(transport_.published(), seen),
              UnorderedElementsAre("ftel/v1/flat/factory/a"));
  seen = transport_.published().size();
  // After a reconnect every factory is offered again.
  publisher_.Reset();
  publisher_.Publish(results, {});
  EXPECT_THAT(FactoryTopics(transport_.published(), seen),
              UnorderedElementsAre("ftel/v1/flat/factory/a", "ftel/v1/flat/factory/b"));
}

// flat_views: GROUP_FLAT_VIEWS sends the groups' and the fleet's views, not
// the factories' (not even the first round's); NO_FLAT_VIEWS sends nothing.
TEST(FlatViewPublisherViews, GroupViewsLeaveTheFactoriesOutAndNoViewsSendNothing) {
  FleetResults results;
  results.factories = {Factory("a", 1, true)};
  v1::GroupSummary& region = results.groups.emplace_back();
  region.set_kind("region");
  region.set_key("north");
  FakeMqttTransport transport;
  ASSERT_TRUE(transport.Connect({}).ok());
  FlatViewPublisher groups("ftel", v1::AggregatorConfig::GROUP_FLAT_VIEWS, &transport);
  EXPECT_EQ(groups.Publish(results, {DueFactory{"a", 0}}), 2u);
  std::vector<std::string> topics;
  for (const MqttMessage& m : transport.published()) topics.push_back(m.topic);
  EXPECT_THAT(topics, UnorderedElementsAre("ftel/v1/flat/region/north", "ftel/v1/flat/fleet"));
  FakeMqttTransport quiet;
  ASSERT_TRUE(quiet.Connect({}).ok());
  FlatViewPublisher none("ftel", v1::AggregatorConfig::NO_FLAT_VIEWS, &quiet);
  EXPECT_EQ(none.Publish(results, {DueFactory{"a", 0}}), 0u);
  EXPECT_TRUE(quiet.published().empty());
}

// A failure (a lost connection fails every publish after it, each with a
// warning) leaves the rest of the round; the next round offers everything.
TEST_F(FlatViewPublisherTest, AFailedPublishEndsTheRoundAndTheNextOffersEveryFactory) {
  FleetResults results;
  results.factories = {Factory("a", 1, true), Factory("b", 1, true)};
  transport_.FailPublishes(absl::UnavailableError("broker said no"));
  EXPECT_EQ(publisher_.Publish(results, {}), 1u);
  EXPECT_EQ(transport_.published().size(), 1u);
  transport_.FailPublishes(absl::OkStatus());
  const size_t seen = transport_.published().size();
  publisher_.Publish(results, {});
  EXPECT_THAT(FactoryTopics(transport_.published(), seen),
              UnorderedElementsAre("ftel/v1/flat/factory/a", "ftel/v1/flat/factory/b"));
}

TEST_F(FlatViewPublisherTest, ScenariosAreTheSummarysCatalogueScenariosAsTheEngineMergedThem) {
  const FlatView view = FlatFactoryView(*Factory("a", 1, true));
  EXPECT_EQ(view.at("scenario.PO-05.built"), 1);
  EXPECT_EQ(view.at("scenario.PO-05.ai_declared"), 1);
  EXPECT_EQ(view.at("scenario.PO-05.ai_observed"), 1);
  EXPECT_EQ(view.count("scenario.paint-line.built"), 0u) << "custom scenarios are not listed";
  EXPECT_EQ(FlatFactoryView(*Factory("a", 1, false)).at("scenario.PO-05.ai_observed"), 0);
  EXPECT_THAT(FlatViewJson(view), HasSubstr("\"scenario.PO-05.ai_observed\":1"));
}

}  // namespace
}  // namespace ftel
