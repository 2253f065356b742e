// The demo as a new user runs it, with real processes on loopback: mosquitto,
// ftel-plant-sim, the aggregator and the three agents with the shipped demo
// configs (config/demo/, rewritten for this test's ports as scripts/demo.sh
// rewrites them). The factories' retained results must show what the
// simulator's model implies (its /figures page), stopping the simulator's
// Modbus server must make the Modbus work units unknown without moving OEE,
// and `ftelctl probe-source` must print what a source reads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ftel/v1/summary.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/platform/file_io.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/http_get.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topic_recorder.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFactories[] = {"suzhou-electronics", "foshan-appliances", "tangshan-steel"};

double Percent(const v1::Ratio& ratio) { return ratio.has_percent() ? ratio.percent() : NAN; }

// Work-unit windows whose elements were unknown, within the KPI horizon.
double UnknownWindows(const v1::FactorySummary& factory) {
  return factory.production().coverage().denominator() -
         factory.production().coverage().numerator();
}

class PlantSimDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = BrokerProcess::Start(dir_);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(observer_.Start(broker_->uri()).ok());
    auto sim = ChildProcess::Start(
        ProgramCommand(FTEL_PLANT_SIM_BIN,
                       {"--modbus", absl::StrCat("127.0.0.1:", modbus_port_), "--metrics",
                        absl::StrCat("127.0.0.1:", sim_port_), "--sparkplug-broker", broker_->uri(),
                        "--group", "plant", "--edge-node", "tangshan-steel", "--seed", "7"}),
        dir_.path() + "/plant-sim.log");
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    ASSERT_TRUE(WaitForPort(sim_port_, absl::Seconds(10))) << sim_->Log();
    ASSERT_TRUE(WaitForPort(modbus_port_, absl::Seconds(10))) << sim_->Log();
    aggregator_ = StartProgram(FTEL_AGGREGATOR_BIN, "aggregator");
    for (const char* factory : kFactories) agents_.push_back(StartProgram(FTEL_AGENT_BIN, factory));
  }

  // A shipped demo config with this test's ports, as scripts/demo.sh writes it.
  std::string DemoConfig(const std::string& name) {
    absl::StatusOr<std::string> text =
        ReadFileToString(SourceConfigDir() + "/demo/" + name + ".yaml");
    EXPECT_TRUE(text.ok()) << text.status();
    if (!text.ok()) return "";
    return dir_.WriteFile(
        name + ".yaml",
        absl::StrReplaceAll(
            *text, {{"tcp://127.0.0.1:1883", broker_->uri()},
                    {"port: 1502", absl::StrCat("port: ", modbus_port_)},
                    {"http://127.0.0.1:9102/", absl::StrCat("http://127.0.0.1:", sim_port_, "/")},
                    {"http_listen: 127.0.0.1:9464",
                     absl::StrCat("http_listen: 127.0.0.1:", FreeLoopbackPort())},
                    {"catalogue_path: ../scenario-catalogue.tsv",
                     "catalogue_path: " + SourceConfigDir() + "/scenario-catalogue.tsv"}}));
  }

  std::unique_ptr<ChildProcess> StartProgram(const char* binary, const std::string& name) {
    auto process = ChildProcess::Start(ProgramCommand(binary, {"--config", DemoConfig(name)}),
                                       dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  // The simulator's /figures page as key -> value.
  std::map<std::string, double> SimFigures() {
    std::map<std::string, double> figures;
    const std::string response = HttpGet(sim_port_, "/figures");
    const size_t body = response.find("\r\n\r\n");
    if (body == std::string::npos) return figures;
    for (absl::string_view line : absl::StrSplit(response.substr(body + 4), '\n')) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      double value = 0;
      if (parts.size() == 2 && absl::SimpleAtod(parts[1], &value)) figures[parts[0]] = value;
    }
    return figures;
  }

  std::optional<v1::FactorySummary> Factory(const std::string& id) {
    return observer_.GetJson<v1::FactorySummary>("ftel/v1/rates/factory/" + id);
  }

  std::string Control(const std::string& what) {
    return HttpGet(sim_port_, "/control/modbus/" + what);
  }

  std::string Logs() {
    std::string logs = "plant-sim:\n" + sim_->Log() + "\naggregator:\n" + aggregator_->Log();
    for (size_t i = 0; i < agents_.size(); ++i) {
      absl::StrAppend(&logs, "\n", kFactories[i], ":\n", agents_[i]->Log());
    }
    return logs;
  }

  TempDir dir_;
  const int modbus_port_ = FreeLoopbackPort();
  const int sim_port_ = FreeLoopbackPort();
  std::unique_ptr<BrokerProcess> broker_;
  TopicRecorder observer_;
  std::unique_ptr<ChildProcess> sim_;
  std::unique_ptr<ChildProcess> aggregator_;
  std::vector<std::unique_ptr<ChildProcess>> agents_;
};

TEST_F(PlantSimDemoTest, FleetShowsWhatTheSimulatorImpliesAndAModbusOutageIsUnknownNotADrop) {
  // Every factory's evidence fully known, its production known but for the
  // Sparkplug line's first windows (before the edge node's rebirth reached
  // the agent), with at least 12 windows (24 s) of production; and the
  // simulator's hourly jobs have had their first burst.
  std::map<std::string, v1::FactorySummary> before;
  ASSERT_TRUE(Eventually(
      [&] {
        if (SimFigures()["plant.ticks"] < 25) return false;
        for (const char* id : kFactories) {
          std::optional<v1::FactorySummary> factory = Factory(id);
          if (!factory.has_value() || Percent(factory->evidence_coverage()) != 100 ||
              UnknownWindows(*factory) > (std::string(id) == "tangshan-steel" ? 2 : 0) ||
              factory->production().windows() < 12) {
            return false;
          }
          before[id] = *factory;
        }
        return true;
      },
      absl::Seconds(90)))
      << Logs();
  std::map<std::string, double> sim = SimFigures();

  // Observed penetration: the scenarios whose model served inferences (the
  // idle ones never do; the hourly ones had their burst) over the 20 built.
  const std::map<std::string, double> observed = {
      {"suzhou-electronics", 14}, {"foshan-appliances", 8}, {"tangshan-steel", 3}};
  for (const auto& [id, count] : observed) {
    SCOPED_TRACE(id);
    const v1::FactorySummary& factory = before[id];
    std::printf(
        "[plant-sim] %s: observed %.0f/%.0f, evidence coverage %.0f%%; A %.2f%% E %.2f%% Q %.2f%% "
        "OEE %.2f%% over %llu windows; the model targets A %.2f%% E %.2f%% Q %.2f%% OEE %.2f%%\n",
        id.c_str(), factory.observed().numerator(), factory.observed().denominator(),
        Percent(factory.evidence_coverage()), Percent(factory.production().availability()),
        Percent(factory.production().effectiveness()), Percent(factory.production().quality()),
        factory.production().oee_percent(),
        static_cast<unsigned long long>(factory.production().windows()),
        sim["factory." + id + ".availability_percent"],
        sim["factory." + id + ".effectiveness_percent"], sim["factory." + id + ".quality_percent"],
        sim["factory." + id + ".oee_percent"]);
    EXPECT_EQ(sim["factory." + id + ".observed_catalogue_scenarios"], count);
    EXPECT_DOUBLE_EQ(factory.observed().numerator(), count);
    EXPECT_DOUBLE_EQ(factory.observed().denominator(), 20);
    const v1::ProductionKpis& p = factory.production();
    // The KPIs from the agents' Modbus and Sparkplug readings are the model's
    // targets, within the sampling noise of some 30 s of 2 s windows.
    EXPECT_NEAR(Percent(p.availability()), sim["factory." + id + ".availability_percent"], 5);
    EXPECT_NEAR(Percent(p.effectiveness()), sim["factory." + id + ".effectiveness_percent"], 8);
    EXPECT_NEAR(Percent(p.quality()), sim["factory." + id + ".quality_percent"], 3);
    EXPECT_NEAR(p.oee_percent(), sim["factory." + id + ".oee_percent"], 8);
  }
  EXPECT_EQ(before["suzhou-electronics"].custom_ai_observed(), 1u);
  EXPECT_EQ(sim["factory.suzhou-electronics.observed_custom_scenarios"], 1);

  // The PLC goes away: the Modbus work units become unknown (coverage below
  // 100%), and OEE, computed over the known windows, does not move.
  // The results just before the stop, from one recompute.
  for (const char* id : kFactories) {
    std::optional<v1::FactorySummary> factory = Factory(id);
    ASSERT_TRUE(factory.has_value());
    before[id] = *factory;
  }
  ASSERT_THAT(Control("stop"), HasSubstr("modbus stopped"));
  std::map<std::string, v1::FactorySummary> during;
  ASSERT_TRUE(Eventually(
      [&] {
        for (const char* id : kFactories) {
          std::optional<v1::FactorySummary> factory = Factory(id);
          // Five windows after the first unknown one (one Modbus work unit
          // in Tangshan, two or three elsewhere).
          const double units = std::string(id) == "tangshan-steel" ? 1 : 2;
          if (!factory.has_value() ||
              UnknownWindows(*factory) < UnknownWindows(before[id]) + 5 * units) {
            return false;
          }
          during[id] = *factory;
        }
        return true;
      },
      absl::Seconds(30)))
      << Logs();
  for (const char* id : kFactories) {
    SCOPED_TRACE(id);
    const v1::ProductionKpis& was = before[id].production();
    const v1::ProductionKpis& now = during[id].production();
    std::printf(
        "[plant-sim] %s: OEE %.2f%% (A %.2f%%, coverage %.1f%%) before the Modbus stop, "
        "%.2f%% (A %.2f%%, coverage %.1f%%) during it; the model targets %.2f%%\n",
        id, was.oee_percent(), Percent(was.availability()), Percent(was.coverage()),
        now.oee_percent(), Percent(now.availability()), Percent(now.coverage()),
        sim["factory." + std::string(id) + ".oee_percent"]);
    EXPECT_LT(Percent(now.coverage()), 100);
    // No false drop. Suzhou and Foshan read only Modbus: nothing new is
    // known, so availability stays; effectiveness may move by a part's PRU
    // in the window of the stop (a part is 2-4% of some 40 s of APT).
    // Tangshan keeps adding its Sparkplug line's windows, so its pooled
    // figures move towards that line's, never below them; read as "planned,
    // not running", the unknown blast-furnace windows would pull
    // availability some 10 points lower.
    if (std::string(id) != "tangshan-steel") {
      EXPECT_NEAR(Percent(now.availability()), Percent(was.availability()), 1.5);
      EXPECT_NEAR(now.oee_percent(), was.oee_percent(), 4);
    } else {
      const std::string line = "line.tangshan-steel.hot-rolling.";
      EXPECT_GE(Percent(now.availability()),
                std::min(Percent(was.availability()), sim[line + "availability_percent"]) - 1.5);
      EXPECT_GE(now.oee_percent(), std::min(was.oee_percent(), sim[line + "oee_percent"]) - 4);
      EXPECT_LE(now.oee_percent(), was.oee_percent() + 4);
    }
    // Evidence does not come from Modbus: still fully known.
    EXPECT_EQ(Percent(during[id].evidence_coverage()), 100);
  }
  // Tangshan's Sparkplug line is still known: its windows keep counting.
  EXPECT_GT(during["tangshan-steel"].production().coverage().numerator(),
            before["tangshan-steel"].production().coverage().numerator());

  // The PLC is back: known work-unit windows count again.
  ASSERT_THAT(Control("start"), HasSubstr("modbus serving"));
  EXPECT_TRUE(Eventually(
      [&] {
        std::optional<v1::FactorySummary> factory = Factory("suzhou-electronics");
        return factory.has_value() &&
               factory->production().coverage().numerator() >=
                   during["suzhou-electronics"].production().coverage().numerator() + 9 &&
               Percent(factory->production().coverage()) >
                   Percent(during["suzhou-electronics"].production().coverage());
      },
      absl::Seconds(30)))
      << Logs();
  // The parts made while the PLC was away came without their time, and are
  // not counted: no OEE jump past 100% at the return.
  for (const char* id : {"suzhou-electronics", "foshan-appliances"}) {
    std::optional<v1::FactorySummary> after = Factory(id);
    ASSERT_TRUE(after.has_value());
    EXPECT_LE(after->production().oee_percent(), 100) << id;
    EXPECT_LE(after->production().oee_percent(), before[id].production().oee_percent() + 5) << id;
    std::printf("[plant] %s OEE before the outage %.1f%%, after the return %.1f%%\n", id,
                before[id].production().oee_percent(), after->production().oee_percent());
  }
}

TEST_F(PlantSimDemoTest, ProbeSourcePrintsWhatTheDemoModbusSourceReads) {
  auto probe = [&](const std::string& name) {
    auto run = ChildProcess::Start(
        ProgramCommand(FTEL_FTELCTL_BIN, {"probe-source", DemoConfig("suzhou-electronics"), "plc",
                                          "--window-s", "4"}),
        dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(run.ok()) << run.status();
    if (!run.ok()) return std::string();
    EXPECT_TRUE((*run)->WaitForExit(absl::Seconds(30)).has_value());
    return (*run)->Log();
  };
  const std::string seen = probe("probe");
  EXPECT_THAT(seen, HasSubstr("every figure known"));
  // Window 2 of smt-line-1: its planned busy time at the model's A x P / PRU
  // parts per second. The busy time is what the PLC's counter moved between
  // two polls, so on a busy machine it may be a simulator tick (0.5 s) off
  // the 4 s window.
  const size_t window2 = seen.find("window 2");
  ASSERT_NE(window2, std::string::npos) << seen;
  const std::string prefix = "work unit smt-line-1: PBT ";
  const size_t line = seen.find(prefix, window2);
  ASSERT_NE(line, std::string::npos) << seen;
  double pbt_s = 0;
  ASSERT_TRUE(
      absl::SimpleAtod(seen.substr(line + prefix.size(),
                                   seen.find(' ', line + prefix.size()) - line - prefix.size()),
                       &pbt_s))
      << seen;
  EXPECT_GE(pbt_s, 3.0) << seen;
  EXPECT_LE(pbt_s, 5.0) << seen;
  const size_t produced = seen.find("produced ", line);
  ASSERT_NE(produced, std::string::npos) << seen;
  int parts = -1;
  ASSERT_TRUE(
      absl::SimpleAtoi(seen.substr(produced + 9, seen.find(',', produced) - produced - 9), &parts))
      << seen;
  std::map<std::string, double> sim = SimFigures();
  const double expected = pbt_s * sim["line.suzhou-electronics.smt-line-1.availability_percent"] /
                          100 * sim["line.suzhou-electronics.smt-line-1.performance_percent"] /
                          100 / sim["line.suzhou-electronics.smt-line-1.pru_s"];
  EXPECT_NEAR(parts, expected, 3) << seen;

  // With the simulator's Modbus server stopped the probe says why.
  ASSERT_THAT(Control("stop"), HasSubstr("modbus stopped"));
  const std::string refused = probe("probe-stopped");
  EXPECT_THAT(refused, HasSubstr("unknown: unreachable"));
  EXPECT_THAT(refused, Not(HasSubstr("every figure known")));
}

}  // namespace
}  // namespace ftel
