#include "aggregator/outputs/result_publisher.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libftel/schema/proto_json.h"
#include "tests/support/fake_mqtt_transport.h"

namespace ftel {
namespace {

FleetResults Results(int64_t at_ms, double alpha_built) {
  FleetResults results;
  results.computed_at_ms = at_ms;
  for (const char* id : {"alpha", "beta"}) {
    auto factory = std::make_shared<v1::FactorySummary>();
    results.factories.push_back(factory);
    v1::FactorySummary& f = *factory;
    f.set_factory_id(id);
    f.mutable_declared()->set_denominator(id == std::string("alpha") ? alpha_built : 4);
  }
  v1::GroupSummary& sector = results.groups.emplace_back();
  sector.set_kind("sector");
  sector.set_key("electronics");
  sector.set_factories(2);
  results.fleet.set_kind("fleet");
  results.fleet.set_key("all");
  results.fleet.set_factories(2);
  return results;
}

std::set<std::string> Topics(const std::vector<MqttMessage>& messages, size_t from = 0) {
  std::set<std::string> topics;
  for (size_t i = from; i < messages.size(); ++i) topics.insert(messages[i].topic);
  return topics;
}

class ResultPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(transport_.Connect({}).ok()); }
  FakeMqttTransport transport_;
};

TEST_F(ResultPublisherTest, PublishesEverythingStampedThenOnlyWhatChanged) {
  ResultPublisher publisher("ftel", v1::AggregatorConfig::JSON_AND_PROTOBUF, &transport_);
  EXPECT_EQ(publisher.PublishResults(Results(1000, 5), {}), 8u);
  const std::vector<MqttMessage> first = transport_.published();
  EXPECT_EQ(Topics(first), (std::set<std::string>{
                               "ftel/v1/rates/factory/alpha", "ftel/v1/rates/factory/beta",
                               "ftel/v1/rates/sector/electronics", "ftel/v1/rates/fleet",
                               "ftel/v1/rates-pb/factory/alpha", "ftel/v1/rates-pb/factory/beta",
                               "ftel/v1/rates-pb/sector/electronics", "ftel/v1/rates-pb/fleet"}));
  for (const MqttMessage& m : first) {
    EXPECT_TRUE(m.retained);
    EXPECT_EQ(m.qos, 1);
  }
  v1::FactorySummary alpha;
  ASSERT_TRUE(FromJson(first[0].payload, &alpha).ok());
  EXPECT_EQ(alpha.computed_at_ms(), 1000) << "stamped when published";

  // Later, same numbers: time alone does not make a result new.
  EXPECT_EQ(publisher.PublishResults(Results(2000, 5), {{"alpha", 2000}, {"beta", 2000}}), 0u);

  // Alpha changed; beta is listed as rebuilt but its numbers are the same.
  EXPECT_EQ(publisher.PublishResults(Results(3000, 6), {{"alpha", 3000}, {"beta", 3000}}), 2u);
  const std::vector<MqttMessage> all = transport_.published();
  EXPECT_EQ(Topics(all, first.size()), (std::set<std::string>{"ftel/v1/rates/factory/alpha",
                                                              "ftel/v1/rates-pb/factory/alpha"}));
  v1::FactorySummary changed;
  ASSERT_TRUE(changed.ParseFromString(all.back().payload));
  EXPECT_EQ(changed.computed_at_ms(), 3000);
  EXPECT_DOUBLE_EQ(changed.declared().denominator(), 6);

  // A changed factory that is not listed as rebuilt is not looked at.
  EXPECT_EQ(publisher.PublishResults(Results(4000, 7), {{"beta", 4000}}), 0u);
}

TEST_F(ResultPublisherTest, AFailedPublishIsRetriedAndAResetOffersEverythingAgain) {
  ResultPublisher publisher("ftel", v1::AggregatorConfig::JSON_ONLY, &transport_);
  transport_.FailPublishes(absl::UnavailableError("broker said no"));
  // The first failure leaves the rest of the round for the next one (a
  // lost connection would fail every one of them, each with a warning).
  EXPECT_EQ(publisher.PublishResults(Results(1000, 5), {}), 1u);
  transport_.FailPublishes(absl::OkStatus());
  EXPECT_TRUE(publisher.TakeFailures());
  EXPECT_FALSE(publisher.TakeFailures()) << "each failure is reported once";
  const size_t before = transport_.published().size();
  EXPECT_EQ(publisher.PublishResults(Results(2000, 5), {}), 4u) << "the failed one and the rest";
  EXPECT_EQ(Topics(transport_.published(), before),
            (std::set<std::string>{"ftel/v1/rates/factory/alpha", "ftel/v1/rates/factory/beta",
                                   "ftel/v1/rates/sector/electronics", "ftel/v1/rates/fleet"}));
  EXPECT_FALSE(publisher.TakeFailures());
  EXPECT_EQ(publisher.PublishResults(Results(3000, 5), {}), 0u);

  publisher.Reset();  // a reconnect: the broker may have lost them
  EXPECT_EQ(publisher.PublishResults(Results(4000, 5), {}), 4u);
  v1::GroupSummary fleet;
  ASSERT_TRUE(FromJson(transport_.published().back().payload, &fleet).ok());
  EXPECT_EQ(fleet.computed_at_ms(), 1000) << "offered again with the time of its last change";
}

TEST_F(ResultPublisherTest, NothingIsMarkedPublishedWhileDisconnected) {
  ResultPublisher publisher("ftel", v1::AggregatorConfig::PROTOBUF_ONLY, &transport_);
  ASSERT_TRUE(transport_.Disconnect(absl::Seconds(1)).ok());
  EXPECT_EQ(publisher.PublishResults(Results(1000, 5), {}), 0u);
  ASSERT_TRUE(transport_.Connect({}).ok());
  EXPECT_EQ(publisher.PublishResults(Results(2000, 5), {}), 4u);
  for (const MqttMessage& m : transport_.published()) {
    EXPECT_EQ(m.topic.rfind("ftel/v1/rates-pb/", 0), 0u) << m.topic;
  }
}

TEST_F(ResultPublisherTest, HistoriesGoOutAsJsonWhateverTheOutputs) {
  ResultPublisher publisher("ftel", v1::AggregatorConfig::PROTOBUF_ONLY, &transport_);
  v1::History history;
  history.set_kind("fleet");
  history.set_key("all");
  history.set_granularity("hour");
  history.add_points()->set_bucket_start_ms(3600000);
  EXPECT_EQ(publisher.PublishHistory(history), 1u);
  EXPECT_EQ(publisher.PublishHistory(history), 0u);
  history.add_points()->set_bucket_start_ms(7200000);
  EXPECT_EQ(publisher.PublishHistory(history), 1u);
  const std::vector<MqttMessage> published = transport_.published();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].topic, "ftel/v1/history/fleet/all/hour");
  v1::History decoded;
  ASSERT_TRUE(FromJson(published[1].payload, &decoded).ok());
  EXPECT_EQ(decoded.points_size(), 2);
}

}  // namespace
}  // namespace ftel
