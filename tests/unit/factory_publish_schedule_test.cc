#include "aggregator/outputs/factory_publish_schedule.h"

#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Ids(const std::vector<DueFactory>& due) {
  std::vector<std::string> ids;
  for (const DueFactory& d : due) ids.push_back(d.id);
  return ids;
}

TEST(FactoryPublishSchedule, WithoutAnIntervalEveryChangedFactoryIsDueAtOnce) {
  FactoryPublishSchedule schedule(0);
  schedule.Changed({"a", "b"}, 1000, 1000);
  EXPECT_THAT(Ids(schedule.TakeDue(1000)), UnorderedElementsAre("a", "b"));
  schedule.Changed({"a"}, 1001, 1001);
  EXPECT_THAT(Ids(schedule.TakeDue(1001)), ElementsAre("a"));
  EXPECT_EQ(schedule.NextDueMs(), std::numeric_limits<int64_t>::max());
}

TEST(FactoryPublishSchedule, AFactoryGoesOutAtMostOncePerIntervalWithItsNewestChange) {
  FactoryPublishSchedule schedule(30000);
  schedule.Changed({"a"}, 0, 0);
  EXPECT_THAT(Ids(schedule.TakeDue(0)), ElementsAre("a")) << "the first change goes out at once";
  // Changes at 10 s and 20 s wait for 30 s, and go out once.
  schedule.Changed({"a"}, 10000, 10000);
  EXPECT_THAT(Ids(schedule.TakeDue(10000)), IsEmpty());
  EXPECT_EQ(schedule.NextDueMs(), 30000);
  schedule.Changed({"a"}, 20000, 20000);
  EXPECT_THAT(Ids(schedule.TakeDue(29999)), IsEmpty());
  EXPECT_THAT(Ids(schedule.TakeDue(30000)), ElementsAre("a"));
  EXPECT_THAT(Ids(schedule.TakeDue(40000)), IsEmpty()) << "nothing changed since";
  // A change long after the last publish goes out at once.
  schedule.Changed({"a"}, 90000, 90000);
  EXPECT_THAT(Ids(schedule.TakeDue(90000)), ElementsAre("a"));
}

TEST(FactoryPublishSchedule, FactoriesKeepTheirOwnTimes) {
  FactoryPublishSchedule schedule(30000);
  schedule.Changed({"a"}, 0, 0);
  schedule.TakeDue(0);
  schedule.Changed({"b"}, 5000, 5000);
  schedule.Changed({"a"}, 5000, 5000);
  EXPECT_THAT(Ids(schedule.TakeDue(5000)), ElementsAre("b")) << "b was never published";
  schedule.Changed({"b"}, 6000, 6000);
  EXPECT_THAT(Ids(schedule.TakeDue(30000)), ElementsAre("a"));
  EXPECT_EQ(schedule.NextDueMs(), 35000);
  EXPECT_THAT(Ids(schedule.TakeDue(35000)), ElementsAre("b"));
}

TEST(FactoryPublishSchedule, AWaitingFactoryCarriesTheTimeOfItsNewestChange) {
  FactoryPublishSchedule schedule(30000);
  schedule.Changed({"a"}, 0, 1800000000000);
  schedule.TakeDue(0);
  schedule.Changed({"a"}, 10000, 1800000010000);
  schedule.Changed({"a"}, 20000, 1800000020000);
  const std::vector<DueFactory> due = schedule.TakeDue(30000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].changed_at_ms, 1800000020000) << "computed_at_ms is when its figures changed";
}

}  // namespace
}  // namespace ftel
