// The `file` and `exec` sources as the agent runs them: loaded from a YAML
// config, started (their own polling thread), sampled into reports.
#include <atomic>
#include <fstream>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "agent/sampler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_agent_config.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

constexpr char kConfig[] = R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1}
catalogue_path: CATALOGUE
publish_interval_ms: 1000
sources:
  - name: mes
    type: file
    file:
      path: export.json
      poll_interval_ms: 100
      scenarios:
        - {scenario_id: PD-02, inferences: {field: ai.total}}
      work_units:
        - work_unit_id: line-1
          planned_run_time_per_unit_s: 2
          planned_busy_time_s: {field: l1.planned_s}
          actual_production_time_s: {field: l1.running_s}
          produced_quantity: {field: l1.produced}
          good_quantity: {field: l1.good}
  - name: log
    type: file
    file:
      path: events.jsonl
      format: JSON_LINES
      poll_interval_ms: 100
      scenarios:
        - {scenario_id: PM-05, inferences: {field: n, kind: SUM}}
  - name: script
    type: exec
    exec:
      command: [reader.sh]
      poll_interval_ms: 1000
      timeout_ms: 500
      scenarios:
        - {scenario_id: PO-05, inferences: {field: runs, kind: SUM}}
scenarios:
  - {id: PD-02, built: true, ai_declared: true, evidence_source: mes}
  - {id: PM-05, built: true, ai_declared: true, evidence_source: log}
  - {id: PO-05, built: true, ai_declared: true, evidence_source: script}
work_units:
  - {id: line-1, source: mes}
)";

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.WriteFile("events.jsonl", "");
    const std::string script = dir_.WriteFile("reader.sh", "#!/bin/sh\necho '{\"runs\": 2}'\n");
    chmod(script.c_str(), 0755);
    loaded_ = LoadTestAgentConfig(dir_, kConfig);
    auto sampler = Sampler::Create(loaded_);
    ASSERT_TRUE(sampler.ok()) << sampler.status();
    sampler_ = *std::move(sampler);
  }
  void TearDown() override {
    if (sampler_) sampler_->Stop();
  }

  void WriteExport(int total, int produced) {
    // Written whole and renamed, as the docs advise an exporter to.
    dir_.WriteFile("export.json.tmp",
                   absl::StrCat(R"({"ai": {"total": )", total, R"(}, "l1": {"planned_s": )",
                                produced, R"(, "running_s": )", produced, R"(, "produced": )",
                                produced, R"(, "good": )", produced, "}}"));
    ASSERT_EQ(std::rename((dir_.path() + "/export.json.tmp").c_str(),
                          (dir_.path() + "/export.json").c_str()),
              0);
  }

  v1::Report SampleAfter(absl::Duration wait) {
    absl::SleepFor(wait);
    const int64_t now = absl::ToUnixMillis(absl::Now());
    return sampler_->Sample(ReportWindow{now - 1000, now, ++sequence_}, 1);
  }

  TempDir dir_;
  LoadedAgentConfig loaded_;
  std::unique_ptr<Sampler> sampler_;
  uint64_t sequence_ = 0;
};

TEST_F(FileSourceTest, ReportsCarryWhatTheFilesAndTheCommandSaid) {
  WriteExport(100, 10);
  ASSERT_TRUE(sampler_->Start().ok());
  v1::Report first = SampleAfter(absl::Milliseconds(400));
  // The export's counters set their baseline (100 is not counted) and
  // stood still since; the command's sum needs no baseline.
  EXPECT_EQ(first.scenarios(0).evidence().unknown_reason(), "");
  EXPECT_EQ(first.scenarios(0).evidence().inference_count(), 0u);
  EXPECT_EQ(first.scenarios(2).evidence().inference_count(), 2u);
  EXPECT_EQ(first.scenarios(2).evidence().unknown_reason(), "");

  WriteExport(130, 25);
  std::ofstream(dir_.path() + "/events.jsonl", std::ios::app) << "{\"n\": 3}\n{\"n\": 4}\n";
  v1::Report second = SampleAfter(absl::Milliseconds(1100));
  EXPECT_EQ(second.scenarios(0).evidence().inference_count(), 30u);
  EXPECT_EQ(second.scenarios(0).evidence().unknown_reason(), "");
  EXPECT_EQ(second.scenarios(1).evidence().inference_count(), 7u);
  ASSERT_EQ(second.work_units_size(), 1);
  EXPECT_EQ(second.work_units(0).work_unit_id(), "line-1");
  EXPECT_EQ(second.work_units(0).unknown_reason(), "");
  EXPECT_EQ(second.work_units(0).produced_quantity(), 15u);
  EXPECT_DOUBLE_EQ(second.work_units(0).planned_busy_time_s(), 15);
}

TEST_F(FileSourceTest, AMissingFileMakesTheReportSayUnknownNotZero) {
  ASSERT_TRUE(sampler_->Start().ok());  // export.json was never written
  v1::Report report = SampleAfter(absl::Milliseconds(400));
  EXPECT_EQ(report.scenarios(0).evidence().inference_count(), 0u);
  EXPECT_THAT(report.scenarios(0).evidence().unknown_reason(), HasSubstr("export.json"));
  EXPECT_THAT(report.work_units(0).unknown_reason(), HasSubstr("export.json"));
  // An empty log is known: nothing happened.
  EXPECT_EQ(report.scenarios(1).evidence().unknown_reason(), "");
}

TEST_F(FileSourceTest, BeforeStartEverythingIsUnknownNotStarted) {
  v1::Report report = sampler_->Sample(ReportWindow{0, 1000, 1}, 1);
  EXPECT_EQ(report.scenarios(0).evidence().unknown_reason(), "not started");
  EXPECT_THAT(report.work_units(0).unknown_reason(), HasSubstr(": not started"));
}

TEST_F(FileSourceTest, ASlowCommandNeverDelaysAWindow) {
  const std::string script =
      dir_.WriteFile("reader.sh", "#!/bin/sh\nsleep 5\necho '{\"runs\": 2}'\n");
  chmod(script.c_str(), 0755);
  ASSERT_TRUE(sampler_->Start().ok());
  absl::SleepFor(absl::Milliseconds(100));  // the command is running now
  const absl::Time before = absl::Now();
  v1::Report report = sampler_->Sample(ReportWindow{0, 1000, 1}, 1);
  EXPECT_LT(absl::Now() - before, absl::Milliseconds(200)) << "sampling waited on the command";
  EXPECT_NE(report.scenarios(2).evidence().unknown_reason(), "");
  absl::SleepFor(absl::Milliseconds(600));  // its timeout is 500 ms
  report = sampler_->Sample(ReportWindow{1000, 2000, 2}, 1);
  EXPECT_THAT(report.scenarios(2).evidence().unknown_reason(), HasSubstr("timeout after 500 ms"));
}

TEST(FileSourceConfigTest, ProblemsNameFileKeyAndRule) {
  TempDir dir;
  const std::string path = dir.WriteFile(
      "agent.yaml",
      absl::StrReplaceAll(R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1}
catalogue_path: CATALOGUE
sources:
  - {name: script, type: exec, exec: {command: [], timeout_ms: 700000, poll_interval_ms: 10000, scenarios: [{scenario_id: PO-05, inferences: {field: runs}}]}}
scenarios:
  - {id: PO-05, built: true, ai_declared: true, evidence_source: script}
)",
                          {{"CATALOGUE", SourceConfigDir() + "/scenario-catalogue.tsv"}}));
  auto loaded = LoadAgentConfig(path);
  ASSERT_FALSE(loaded.ok());
  const std::string text(loaded.status().message());
  EXPECT_THAT(text, HasSubstr("agent.yaml"));
  EXPECT_THAT(text, HasSubstr("sources[0].exec.command: is required"));
  EXPECT_THAT(text, HasSubstr("sources[0].exec.timeout_ms: must be between 100 and 600000"));
  EXPECT_THAT(text, HasSubstr("sources[0].exec.timeout_ms: must be below poll_interval_ms"));
}

}  // namespace
}  // namespace ftel
