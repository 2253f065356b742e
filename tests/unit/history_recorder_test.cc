#include "aggregator/outputs/history_recorder.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
// 2027-01-15T08:00:00Z, the start of an hour.
constexpr int64_t kHour0 = 1800000000000LL - 1800000000000LL % kHourMs;

FleetResults Results(double declared_numerator) {
  FleetResults results;
  auto factory = std::make_shared<v1::FactorySummary>();
  results.factories.push_back(factory);
  v1::FactorySummary& f = *factory;
  f.set_factory_id("alpha");
  f.mutable_declared()->set_numerator(declared_numerator);
  f.mutable_declared()->set_denominator(10);
  f.set_online(true);
  v1::GroupSummary& sector = results.groups.emplace_back();
  sector.set_kind("sector");
  sector.set_key("electronics");
  sector.mutable_declared()->mutable_pooled()->set_numerator(declared_numerator);
  sector.set_factories(1);
  sector.set_factories_online(1);
  results.fleet.set_kind("fleet");
  results.fleet.set_key("all");
  results.fleet.mutable_declared()->mutable_pooled()->set_numerator(declared_numerator);
  results.fleet.mutable_production()->set_oee_percent(71.5);
  results.fleet.set_factories(1);
  return results;
}

// The returned histories by "kind/key/granularity".
std::map<std::string, v1::History> ByName(const std::vector<const v1::History*>& histories) {
  std::map<std::string, v1::History> named;
  for (const v1::History* h : histories) {
    named[h->kind() + "/" + h->key() + "/" + h->granularity()] = *h;
  }
  return named;
}

class HistoryRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = StateStore::Open(dir_.path() + "/aggregator.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  TempDir dir_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(HistoryRecorderTest, OnePointPerBucketReplacedUntilTheBucketEnds) {
  HistoryRecorder history(store_.get(), /*every_s=*/60, /*points=*/48);
  ASSERT_TRUE(history.Load().ok());
  std::map<std::string, v1::History> first = ByName(history.Record(Results(3), kHour0 + 1000));
  ASSERT_EQ(first.size(), 4u) << "sector and fleet, hourly and daily; no factory series";
  const v1::History& fleet = first["fleet/all/hour"];
  ASSERT_EQ(fleet.points_size(), 1);
  EXPECT_EQ(fleet.points(0).bucket_start_ms(), kHour0);
  EXPECT_DOUBLE_EQ(fleet.points(0).declared().numerator(), 3);
  EXPECT_DOUBLE_EQ(fleet.points(0).oee_percent(), 71.5);
  EXPECT_EQ(fleet.points(0).factories(), 1u);

  EXPECT_TRUE(history.Record(Results(4), kHour0 + 30000).empty()) << "within history_every_s";

  std::map<std::string, v1::History> later = ByName(history.Record(Results(5), kHour0 + 61000));
  ASSERT_EQ(later["fleet/all/hour"].points_size(), 1) << "the same hour: replaced";
  EXPECT_DOUBLE_EQ(later["fleet/all/hour"].points(0).declared().numerator(), 5);

  std::map<std::string, v1::History> next = ByName(history.Record(Results(6), kHour0 + kHourMs));
  ASSERT_EQ(next["sector/electronics/hour"].points_size(), 2);
  EXPECT_EQ(next["sector/electronics/hour"].points(1).bucket_start_ms(), kHour0 + kHourMs);
  EXPECT_EQ(next["sector/electronics/day"].points_size(), 1);

  // The factory's series is in the store, for ftelctl.
  auto alpha = store_->LoadHistory("factory", "alpha", "hour", 48);
  ASSERT_TRUE(alpha.ok());
  ASSERT_EQ(alpha->points_size(), 2);
  EXPECT_DOUBLE_EQ(alpha->points(1).declared().numerator(), 6);
  EXPECT_EQ(alpha->points(1).factories_online(), 1u);
}

TEST_F(HistoryRecorderTest, KeepsTheNewestPointsAndWhatTheStoreHeldBeforeARestart) {
  {
    HistoryRecorder history(store_.get(), 60, /*points=*/2);
    ASSERT_TRUE(history.Load().ok());
    for (int hour = 0; hour < 3; ++hour) history.Record(Results(hour), kHour0 + hour * kHourMs);
  }
  HistoryRecorder restarted(store_.get(), 60, /*points=*/2);
  ASSERT_TRUE(restarted.Load().ok());
  std::map<std::string, v1::History> after =
      ByName(restarted.Record(Results(9), kHour0 + 3 * kHourMs));
  const v1::History& fleet = after["fleet/all/hour"];
  ASSERT_EQ(fleet.points_size(), 2);
  EXPECT_EQ(fleet.points(0).bucket_start_ms(), kHour0 + 2 * kHourMs) << "from before the restart";
  EXPECT_DOUBLE_EQ(fleet.points(0).declared().numerator(), 2);
  EXPECT_EQ(fleet.points(1).bucket_start_ms(), kHour0 + 3 * kHourMs);
  // The published history is what the store returns for the series.
  auto stored = store_->LoadHistory("fleet", "all", "hour", 2);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->SerializeAsString(), fleet.SerializeAsString());
}

}  // namespace
}  // namespace ftel
