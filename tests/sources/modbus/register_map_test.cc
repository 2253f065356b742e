#include "agent/sources/modbus/register_map.h"

#include <fstream>
#include <sstream>

#include "ftel/v1/agent_config.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/config/yaml_proto_loader.h"

namespace ftel {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SourceBindings Bound(std::vector<std::string> work_units) {
  SourceBindings bindings;
  bindings.work_unit_ids = std::move(work_units);
  bindings.interval_ms = 10000;
  return bindings;
}

v1::ModbusSourceConfig Parse(const std::string& yaml) {
  v1::ModbusSourceConfig config;
  ConfigProblems problems("test.yaml");
  LoadYamlText(yaml, &config, &problems);
  EXPECT_TRUE(problems.empty()) << problems.ToStatus();
  return config;
}

std::vector<std::string> Keys(const ConfigProblems& problems) {
  std::vector<std::string> keys;
  for (const ConfigProblem& p : problems.problems()) keys.push_back(p.key);
  return keys;
}

TEST(RegisterMapTest, DefaultsApply) {
  const v1::ModbusSourceConfig config = Parse(R"(
host: 10.0.0.5
work_units:
  - work_unit_id: press-1
    produced: {address: 7}
    planned_run_time_per_unit_s: 2
)");
  ConfigProblems problems("test.yaml");
  std::optional<ModbusSettings> s =
      ReadModbusConfig(config, Bound({"press-1"}), "sources[1].modbus", &problems);
  ASSERT_TRUE(s.has_value()) << problems.ToStatus();
  EXPECT_EQ(s->port, 502);
  EXPECT_EQ(s->unit_id, 1);
  EXPECT_EQ(s->timeout_ms, 1000);
  EXPECT_EQ(s->poll_interval_ms, 1000);
  EXPECT_EQ(s->reconnect_min_ms, 1000);
  EXPECT_EQ(s->reconnect_max_ms, 30000);
  ASSERT_EQ(s->work_units.size(), 1u);
  const WorkUnitMap& unit = s->work_units[0];
  EXPECT_EQ(unit.produced.table, ModbusTableKind::kHoldingRegister);
  EXPECT_EQ(unit.produced.address, 7);
  EXPECT_EQ(unit.produced.width_bits, 16);
  EXPECT_EQ(unit.produced.word_order, WordOrder::kHighWordFirst);
  EXPECT_EQ(unit.produced.scale, 1.0);
  EXPECT_FALSE(unit.running.has_value());
  EXPECT_TRUE(unit.shifts.empty());
}

TEST(RegisterMapTest, ShortPublishIntervalShortensTheDefaultPoll) {
  const v1::ModbusSourceConfig config = Parse(R"(
host: plc
work_units: [{work_unit_id: a, produced: {address: 0}, planned_run_time_per_unit_s: 1}]
)");
  SourceBindings bindings = Bound({"a"});
  bindings.interval_ms = 500;
  ConfigProblems problems("test.yaml");
  std::optional<ModbusSettings> s = ReadModbusConfig(config, bindings, "m", &problems);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->poll_interval_ms, 500);
}

TEST(RegisterMapTest, EveryProblemHasItsFullKey) {
  const v1::ModbusSourceConfig config = Parse(R"(
port: 70000
unit_id: 300
timeout_ms: 5
poll_interval_ms: 20000
reconnect_min_ms: 5000
reconnect_max_ms: 2000
work_units:
  - work_unit_id: press-1
    produced: {address: 65535, width_bits: 32}
    good: {table: COIL, address: 3, width_bits: 24}
    scrap: {address: 70000, scale: -2}
    running: {table: COIL, address: 1, mask: 4}
    planned: {table: HOLDING_REGISTER, address: 9}
    shifts: [{days: [MON, FUN], start: "25:00"}]
  - work_unit_id: nobody
    produced: {address: 1}
    planned_run_time_per_unit_s: 1
  - work_unit_id: press-1
    produced: {address: 1}
    planned_run_time_per_unit_s: 1
)");
  ConfigProblems problems("agent.yaml");
  EXPECT_FALSE(
      ReadModbusConfig(config, Bound({"press-1", "press-2"}), "sources[1].modbus", &problems));
  EXPECT_THAT(
      Keys(problems),
      ElementsAre(
          "sources[1].modbus.host", "sources[1].modbus.port", "sources[1].modbus.unit_id",
          "sources[1].modbus.timeout_ms", "sources[1].modbus.poll_interval_ms",
          "sources[1].modbus.reconnect_max_ms", "sources[1].modbus.work_units[0].produced.address",
          "sources[1].modbus.work_units[0].good.table",
          "sources[1].modbus.work_units[0].good.width_bits",
          "sources[1].modbus.work_units[0].scrap.address",
          "sources[1].modbus.work_units[0].scrap.scale",
          "sources[1].modbus.work_units[0].running.mask", "sources[1].modbus.work_units[0].shifts",
          "sources[1].modbus.work_units[0].shifts[0].days[1]",
          "sources[1].modbus.work_units[0].shifts[0].start",
          "sources[1].modbus.work_units[0].shifts[0].end",
          "sources[1].modbus.work_units[0].planned_run_time_per_unit_s",
          "sources[1].modbus.work_units[1].work_unit_id",
          "sources[1].modbus.work_units[2].work_unit_id", "sources[1].modbus.work_units"));
  const std::vector<ConfigProblem>& p = problems.problems();
  EXPECT_THAT(p[6].rule, HasSubstr("go past 65535"));
  EXPECT_THAT(p[8].rule, HasSubstr("16, 32 or 64"));
  EXPECT_THAT(p[17].rule, HasSubstr("not a work unit bound"));
  EXPECT_THAT(p[18].rule, HasSubstr("duplicate"));
  EXPECT_THAT(p[19].rule, HasSubstr("'press-2'"));
}

TEST(RegisterMapTest, AScenarioMayNotTakeItsEvidenceFromModbus) {
  const v1::ModbusSourceConfig config = Parse(R"(
host: plc
work_units: [{work_unit_id: a, produced: {address: 0}, planned_run_time_per_unit_s: 1}]
)");
  SourceBindings bindings = Bound({"a"});
  bindings.scenario_ids = {"PM-02"};
  ConfigProblems problems("test.yaml");
  EXPECT_FALSE(ReadModbusConfig(config, bindings, "sources[0].modbus", &problems));
  EXPECT_THAT(Keys(problems), ElementsAre("sources[0].modbus"));
}

// The example in the schema's comment (and so in docs/configuration.md)
// loads and passes the checks.
TEST(RegisterMapTest, TheDocumentedExampleIsValid) {
  std::ifstream proto(std::string(FTEL_SOURCE_DIR) + "/proto/ftel/v1/source_modbus.proto");
  ASSERT_TRUE(proto.good());
  std::string line;
  std::ostringstream yaml;
  bool in_example = false;
  while (std::getline(proto, line)) {
    if (line == "// Example:") {
      in_example = true;
    } else if (in_example && line.rfind("message ", 0) == 0) {
      break;
    } else if (in_example && line.rfind("//   ", 0) == 0) {
      yaml << line.substr(5) << "\n";
    }
  }
  ASSERT_THAT(yaml.str(), HasSubstr("type: modbus"));
  v1::AgentConfig agent;
  ConfigProblems problems("example.yaml");
  LoadYamlText(yaml.str(), &agent, &problems);
  ASSERT_TRUE(problems.empty()) << problems.ToStatus();
  ASSERT_EQ(agent.sources_size(), 1);
  std::optional<ModbusSettings> s = ReadModbusConfig(
      agent.sources(0).modbus(), Bound({"press-1", "press-2"}), "sources[0].modbus", &problems);
  ASSERT_TRUE(s.has_value()) << problems.ToStatus();
  ASSERT_EQ(s->work_units.size(), 2u);
  EXPECT_EQ(s->work_units[0].produced.width_bits, 32);
  EXPECT_EQ(s->work_units[0].produced.word_order, WordOrder::kLowWordFirst);
  ASSERT_EQ(s->work_units[0].shifts.size(), 2u);
  EXPECT_EQ(s->work_units[0].shifts[0].days, kWeekdays);
  EXPECT_EQ(s->work_units[0].shifts[1].start_minute, 14 * 60);
  EXPECT_EQ(s->work_units[1].running->mask, 1);
  EXPECT_EQ(s->work_units[1].planned->table, ModbusTableKind::kDiscreteInput);
  EXPECT_THAT(problems.problems(), IsEmpty());
}

}  // namespace
}  // namespace ftel
