// The load generator's smoke test: mosquitto, ftel-aggregator and
// ftel-loadgen as real processes, a few hundred synthetic factories for a
// few seconds. Every report the broker acknowledged is counted by the
// aggregator exactly once, none is rejected, every report is committed, and
// the level table the generator prints agrees with the levels it drew.
#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "bench/synthetic/miit_levels.h"
#include "gtest/gtest.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

constexpr char kAggregatorConfig[] =
    R"(broker: {uri: 'URI', client_id: loadgen-aggregator}
catalogue_path: CATALOGUE
publish_min_interval_ms: 200
state_file: aggregator.db
http_listen: 127.0.0.1:PORT
)";

// The last line of the generator's report, "loadgen: key=value ...".
std::map<std::string, std::string> Figures(const std::string& log) {
  std::map<std::string, std::string> figures;
  const size_t at = log.rfind("\nloadgen: ");
  if (at == std::string::npos) return figures;
  const std::string line = log.substr(at + 10, log.find('\n', at + 1) - at - 10);
  for (absl::string_view pair : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.size() == 2) figures[kv[0]] = kv[1];
  }
  return figures;
}

// A row of the level table: factories, results, declared at or above
// 20/60/70 %, observed at or above 20/60/70 %.
std::vector<int> LevelRow(const std::string& log, const std::string& level) {
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    std::vector<std::string> cells = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (cells.empty() || cells[0] != level) continue;
    std::vector<int> numbers;
    for (const std::string& cell : cells) {
      int n = 0;
      if (absl::SimpleAtoi(cell, &n)) numbers.push_back(n);
    }
    if (numbers.size() >= 8) return std::vector<int>(numbers.begin(), numbers.begin() + 8);
  }
  return {};
}

class LoadGeneratorTest : public ::testing::Test {
 public:
  void SetUp() override {
    auto broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    http_port_ = FreeLoopbackPort();
    const std::string config = dir_.WriteFile(
        "aggregator.yaml",
        absl::StrReplaceAll(kAggregatorConfig,
                            {{"URI", broker_->uri()},
                             {"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"},
                             {"PORT", absl::StrCat(http_port_)}}));
    auto aggregator = ChildProcess::Start(ProgramCommand(FTEL_AGGREGATOR_BIN, {"--config", config}),
                                          dir_.path() + "/aggregator.log");
    ASSERT_TRUE(aggregator.ok()) << aggregator.status();
    aggregator_ = *std::move(aggregator);
    // Reports published before the aggregator subscribed would be lost.
    ASSERT_TRUE(Eventually([&] {
      return aggregator_->Log().find("subscribed") != std::string::npos;
    })) << aggregator_->Log();
  }

  // Runs the generator to its end; its output.
  std::string RunLoadGenerator(std::vector<std::string> args) {
    for (const std::string& arg :
         {std::string("--broker"), broker_->uri(), std::string("--aggregator-port"),
          absl::StrCat(http_port_), std::string("--results-timeout-s"), std::string("20")}) {
      args.push_back(arg);
    }
    auto generator =
        ChildProcess::Start(ProgramCommand(FTEL_LOADGEN_BIN, args), dir_.path() + "/loadgen.log");
    EXPECT_TRUE(generator.ok()) << generator.status();
    if (!generator.ok()) return "";
    const std::optional<int> exit_code = (*generator)->WaitForExit(absl::Seconds(60));
    const std::string log = (*generator)->Log();
    if (const size_t report = log.find("ftel-loadgen:"); report != std::string::npos) {
      std::printf("%s", log.substr(report).c_str());
    }
    EXPECT_EQ(exit_code, std::optional<int>(0)) << log << "\naggregator:\n" << aggregator_->Log();
    return log;
  }

  // The figures every run must show: everything acknowledged is counted
  // once and committed, nothing is rejected or lost.
  static void ExpectExact(const std::map<std::string, std::string>& figures, int factories) {
    ASSERT_FALSE(figures.empty());
    uint64_t acknowledged = 0;
    ASSERT_TRUE(absl::SimpleAtoi(figures.at("acknowledged"), &acknowledged));
    EXPECT_GT(acknowledged, 0u);
    EXPECT_EQ(figures.at("counted"), figures.at("acknowledged"));
    EXPECT_EQ(figures.at("committed"), figures.at("acknowledged"));
    EXPECT_EQ(figures.at("duplicates"), "0");
    EXPECT_EQ(figures.at("rejected"), "0");
    EXPECT_EQ(figures.at("lost"), "0");
    EXPECT_EQ(figures.at("results"), absl::StrCat(factories, "/", factories));
    EXPECT_EQ(figures.at("not_as_drawn"), "0");
    EXPECT_EQ(figures.at("verdict"), "exact");
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  int http_port_ = 0;
  std::unique_ptr<ChildProcess> aggregator_;
};

TEST_F(LoadGeneratorTest, APyramidRunIsCountedExactlyWithTheDrawnLevels) {
  constexpr int kFactories = 300;
  const std::string log =
      RunLoadGenerator({"--factories", absl::StrCat(kFactories), "--pyramid", "--interval-ms",
                        "1000", "--duration-s", "5", "--connections", "4", "--seed", "11"});
  ExpectExact(Figures(log), kFactories);
  // factories, results, declared >= 20/60/70 %, observed >= 20/60/70 %.
  const std::array<int, kMiitLevelCount> quotas = MiitLevelQuotas(kFactories);
  for (MiitLevel level : kMiitLevels) {
    const std::vector<int> row = LevelRow(log, MiitLevelName(level));
    ASSERT_EQ(row.size(), 8u) << MiitLevelName(level) << "\n" << log;
    const int drawn = quotas[static_cast<int>(level)];
    EXPECT_EQ(row[0], drawn) << MiitLevelName(level);
    EXPECT_EQ(row[1], drawn) << MiitLevelName(level);
    // Fewer factories at each higher mark.
    EXPECT_GE(row[2], row[3]);
    EXPECT_GE(row[3], row[4]);
    EXPECT_GE(row[5], row[6]);
    EXPECT_GE(row[6], row[7]);
    if (level == MiitLevel::kLeading) {
      // Every leading factory above 70 %, declared and observed.
      EXPECT_EQ(row[4], drawn);
      EXPECT_EQ(row[7], drawn);
    } else if (level == MiitLevel::kExcellent) {
      EXPECT_EQ(row[2], drawn);
    } else {
      EXPECT_EQ(row[3], 0) << MiitLevelName(level);
    }
  }
  const std::vector<int> all = LevelRow(log, "all");
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[0], kFactories);
}

TEST_F(LoadGeneratorTest, MultiNodeTypicalFactoriesAreCountedExactly) {
  constexpr int kFactories = 60;
  const std::string log =
      RunLoadGenerator({"--factories", absl::StrCat(kFactories), "--nodes-per-factory", "3",
                        "--interval-ms", "500", "--duration-s", "3", "--connections", "2"});
  ExpectExact(Figures(log), kFactories);
  // Half of the typical factory's 40 scenarios declare AI: every factory
  // sits at 50 %.
  const std::vector<int> all = LevelRow(log, "all");
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[2], kFactories);
  EXPECT_EQ(all[3], 0);
}

}  // namespace
}  // namespace ftel
