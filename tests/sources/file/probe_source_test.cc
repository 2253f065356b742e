#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

class ProbeSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ =
        dir_.WriteFile("agent.yaml", absl::StrCat(R"(broker: {uri: 'tcp://127.0.0.1:1883'}
identity: {factory_id: f1, node_id: n1}
catalogue_path: )",
                                                  SourceConfigDir(), R"(/scenario-catalogue.tsv
sources:
  - {name: mes, type: file, file: {path: export.json, poll_interval_ms: 100, scenarios: [{scenario_id: PD-02, inferences: {field: ai.total}}]}}
scenarios:
  - {id: PD-02, built: true, ai_declared: true, evidence_source: mes}
)"));
  }

  // Runs ftelctl probe-source; returns its exit code, `output` its output.
  int Probe(const std::string& source, std::string* output) {
    auto probe = ChildProcess::Start(
        ProgramCommand(FTEL_FTELCTL_BIN, {"probe-source", config_, source, "--window-s", "0.5"}),
        dir_.path() + "/probe-" + source + ".log");
    EXPECT_TRUE(probe.ok()) << probe.status();
    const std::optional<int> code = (*probe)->WaitForExit(absl::Seconds(30));
    *output = (*probe)->Log();
    return code.value_or(-1);
  }

  TempDir dir_;
  std::string config_;
};

TEST_F(ProbeSourceTest, SaysWhyAFigureIsUnknownAndExitsOne) {
  std::string output;
  EXPECT_EQ(Probe("mes", &output), 1);
  EXPECT_THAT(output, HasSubstr("scenario PD-02: unknown:"));
  EXPECT_THAT(output, HasSubstr("export.json: cannot open: No such file or directory"));
}

TEST_F(ProbeSourceTest, PrintsWhatTheSourceReadsAndExitsZero) {
  dir_.WriteFile("export.json", R"({"ai": {"total": 1234}})");
  std::string output;
  EXPECT_EQ(Probe("mes", &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("scenario PD-02: 0 inferences"));
  EXPECT_THAT(output, HasSubstr("every figure known"));
}

TEST_F(ProbeSourceTest, AnUnknownSourceNameIsAnError) {
  std::string output;
  EXPECT_EQ(Probe("plc", &output), 1);
  EXPECT_THAT(output, HasSubstr("has no source named 'plc'"));
}

}  // namespace
}  // namespace ftel
