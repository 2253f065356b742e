// The `modbus` source's config, checked and in plain form: where each work
// unit's counters and states live in the PLC, the connection settings with
// their defaults applied. ReadModbusConfig does the checks of creation time
// (no I/O) and names every problem with its full key.
//
//   ConfigProblems problems(path);
//   std::optional<ModbusSettings> settings =
//       ReadModbusConfig(source.modbus(), bindings, "sources[1].modbus", &problems);
//   if (settings) for (const WorkUnitMap& unit : settings->work_units) ...
#ifndef FTEL_AGENT_SOURCES_MODBUS_REGISTER_MAP_H_
#define FTEL_AGENT_SOURCES_MODBUS_REGISTER_MAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/sources/kpi_source.h"
#include "agent/sources/modbus/shift_calendar.h"
#include "ftel/v1/source_modbus.pb.h"
#include "libftel/config/config_problems.h"

namespace ftel {

enum class ModbusTableKind { kHoldingRegister, kInputRegister, kCoil, kDiscreteInput };
enum class WordOrder { kHighWordFirst, kLowWordFirst };

struct CounterSpec {
  ModbusTableKind table = ModbusTableKind::kHoldingRegister;
  uint16_t address = 0;
  int width_bits = 16;
  WordOrder word_order = WordOrder::kHighWordFirst;
  double scale = 1.0;

  int registers() const { return width_bits / 16; }
  // 2^16 or 2^32; 0 (unbounded) for 64 bits.
  double modulus() const;
};

struct StateSpec {
  ModbusTableKind table = ModbusTableKind::kCoil;
  uint16_t address = 0;
  uint16_t mask = 0xffff;
  bool invert = false;

  bool is_bit() const {
    return table == ModbusTableKind::kCoil || table == ModbusTableKind::kDiscreteInput;
  }
};

struct WorkUnitMap {
  std::string work_unit_id;
  CounterSpec produced;
  std::optional<CounterSpec> good;
  std::optional<CounterSpec> scrap;
  std::optional<StateSpec> running;
  std::optional<StateSpec> planned;
  // Used when non-empty (then `planned` is unset).
  std::vector<Shift> shifts;
  double planned_run_time_per_unit_s = 0;
};

struct ModbusSettings {
  std::string host;
  int port = 502;
  int unit_id = 1;
  int timeout_ms = 1000;
  int poll_interval_ms = 1000;
  int reconnect_min_ms = 1000;
  int reconnect_max_ms = 30000;
  std::vector<WorkUnitMap> work_units;
};

// The settings, or nullopt with every problem added under `key_prefix`
// (e.g. "sources[1].modbus").
std::optional<ModbusSettings> ReadModbusConfig(const v1::ModbusSourceConfig& config,
                                               const SourceBindings& bindings,
                                               const std::string& key_prefix,
                                               ConfigProblems* problems);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_REGISTER_MAP_H_
