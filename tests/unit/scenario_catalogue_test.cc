#include "libftel/schema/scenario_catalogue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioCatalogue, ShippedCatalogueHasEightLinksAndFortyScenarios) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_EQ(catalogue->scenarios().size(), 40u);
  EXPECT_EQ(catalogue->links().size(), 8u);
  ASSERT_NE(catalogue->Find("PO-05"), nullptr);
  EXPECT_EQ(catalogue->Find("PO-05")->link_id, "PO");
  EXPECT_EQ(catalogue->Find("PO-05")->name_en, "in-line smart inspection");
  EXPECT_EQ(catalogue->FindLink("SC")->name_en, "supply chain");
  EXPECT_EQ(catalogue->Find("XX-01"), nullptr);
  EXPECT_THAT(catalogue->version(), ::testing::MatchesRegex("2025-[0-9a-f]{8}"));
}

TEST(ScenarioCatalogue, MalformedLineNamesFileAndLine) {
  auto catalogue = ScenarioCatalogue::Parse("header\nA-01\tA\ta\tA\tx\ty\nB-01\tonly\n", "cat.tsv");
  ASSERT_FALSE(catalogue.ok());
  EXPECT_THAT(catalogue.status().message(), HasSubstr("cat.tsv:3: expected 6"));
}

TEST(ScenarioCatalogue, DuplicateIdIsAnError) {
  auto catalogue =
      ScenarioCatalogue::Parse("h\nA-01\tA\ta\tA\tx\ty\nA-01\tA\ta\tA\tx\ty\n", "cat.tsv");
  ASSERT_FALSE(catalogue.ok());
  EXPECT_THAT(catalogue.status().message(), HasSubstr("duplicate scenario id 'A-01'"));
}

}  // namespace
}  // namespace ftel
