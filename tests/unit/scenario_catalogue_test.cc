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

// A program installed alone carries the repository's catalogue, byte for byte
// (the version is a hash of the text).
TEST(ScenarioCatalogue, BuiltInCatalogueIsTheShippedFile) {
  TempDir dir;
  const std::string config = dir.WriteFile("agent.yaml", "");
  auto built_in = LoadConfiguredCatalogue(config, "");
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  auto shipped = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(built_in->version(), shipped->version());
  EXPECT_EQ(built_in->scenarios().size(), 40u);
  EXPECT_EQ(built_in->links().size(), 8u);
}

constexpr char kSiteCatalogue[] = "h\nZZ-01\tZZ\tz\tzone\tx\tsite scenario\n";

TEST(ScenarioCatalogue, ACatalogueBesideTheConfigComesBeforeTheBuiltInOne) {
  TempDir dir;
  dir.WriteFile("scenario-catalogue.tsv", kSiteCatalogue);
  auto catalogue = LoadConfiguredCatalogue(dir.WriteFile("agent.yaml", ""), "");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  ASSERT_EQ(catalogue->scenarios().size(), 1u);
  EXPECT_EQ(catalogue->scenarios()[0].id, "ZZ-01");
}

TEST(ScenarioCatalogue, TheConfiguredPathIsRelativeToTheConfigAndComesFirst) {
  TempDir dir;
  dir.WriteFile("scenario-catalogue.tsv", "not a catalogue\n");
  dir.WriteFile("site.tsv", kSiteCatalogue);
  auto catalogue = LoadConfiguredCatalogue(dir.WriteFile("agent.yaml", ""), "site.tsv");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_NE(catalogue->Find("ZZ-01"), nullptr);
}

// A file beside the config that cannot be read is an error naming it, never
// a silent fall back to the built-in catalogue.
TEST(ScenarioCatalogue, ABrokenCatalogueBesideTheConfigIsAnErrorNotTheBuiltInOne) {
  TempDir dir;
  const std::string beside = dir.WriteFile("scenario-catalogue.tsv", "h\nonly one column\n");
  auto catalogue = LoadConfiguredCatalogue(dir.WriteFile("agent.yaml", ""), "");
  ASSERT_FALSE(catalogue.ok());
  EXPECT_THAT(catalogue.status().message(), HasSubstr(beside + ":2: expected 6"));
}

}  // namespace
}  // namespace ftel
