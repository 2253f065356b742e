#include "agent/sources/modbus/register_map.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

constexpr char kDayNames[7][4] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Checks `value` against lo..hi; 0 means `fallback`.
int InRange(uint32_t value, int fallback, int lo, int hi, const std::string& key,
            ConfigProblems* problems) {
  if (value == 0) return fallback;
  if (value < static_cast<uint32_t>(lo) || value > static_cast<uint32_t>(hi)) {
    problems->Add(key, absl::StrCat("must be between ", lo, " and ", hi, ", got ", value));
    return fallback;
  }
  return static_cast<int>(value);
}

ModbusTableKind TableOf(v1::ModbusTable table, ModbusTableKind fallback) {
  switch (table) {
    case v1::HOLDING_REGISTER:
      return ModbusTableKind::kHoldingRegister;
    case v1::INPUT_REGISTER:
      return ModbusTableKind::kInputRegister;
    case v1::COIL:
      return ModbusTableKind::kCoil;
    case v1::DISCRETE_INPUT:
      return ModbusTableKind::kDiscreteInput;
    default:
      return fallback;
  }
}

bool CheckAddress(uint32_t address, uint32_t count, const std::string& key,
                  ConfigProblems* problems) {
  if (address > 65535) {
    problems->Add(key, absl::StrCat("must be between 0 and 65535, got ", address));
    return false;
  }
  if (address + count - 1 > 65535) {
    problems->Add(
        key, absl::StrCat("the counter's ", count, " registers from ", address, " go past 65535"));
    return false;
  }
  return true;
}

CounterSpec ReadCounter(const v1::ModbusCounter& config, const std::string& key,
                        ConfigProblems* problems) {
  CounterSpec spec;
  spec.table = TableOf(config.table(), ModbusTableKind::kHoldingRegister);
  if (config.table() == v1::COIL || config.table() == v1::DISCRETE_INPUT) {
    problems->Add(key + ".table", "a counter must be a HOLDING_REGISTER or an INPUT_REGISTER");
  }
  const uint32_t width = config.width_bits() == 0 ? 16 : config.width_bits();
  if (width != 16 && width != 32 && width != 64) {
    problems->Add(key + ".width_bits", absl::StrCat("must be 16, 32 or 64, got ", width));
  } else {
    spec.width_bits = static_cast<int>(width);
  }
  if (CheckAddress(config.address(), spec.width_bits / 16, key + ".address", problems)) {
    spec.address = static_cast<uint16_t>(config.address());
  }
  spec.word_order = config.word_order() == v1::LOW_WORD_FIRST ? WordOrder::kLowWordFirst
                                                              : WordOrder::kHighWordFirst;
  if (config.scale() != 0) {
    if (!(config.scale() > 0 && config.scale() <= 1e6)) {
      problems->Add(key + ".scale", absl::StrCat("must be greater than 0 and at most 1000000, got ",
                                                 config.scale()));
    } else {
      spec.scale = config.scale();
    }
  }
  return spec;
}

StateSpec ReadState(const v1::ModbusState& config, const std::string& key,
                    ConfigProblems* problems) {
  StateSpec spec;
  spec.table = TableOf(config.table(), ModbusTableKind::kCoil);
  if (CheckAddress(config.address(), 1, key + ".address", problems)) {
    spec.address = static_cast<uint16_t>(config.address());
  }
  if (config.mask() != 0) {
    if (spec.is_bit()) {
      problems->Add(key + ".mask", "applies to registers only, not to a coil or discrete input");
    } else if (config.mask() > 65535) {
      problems->Add(key + ".mask",
                    absl::StrCat("must be between 1 and 65535, got ", config.mask()));
    } else {
      spec.mask = static_cast<uint16_t>(config.mask());
    }
  }
  spec.invert = config.invert();
  return spec;
}

// "HH:MM" as minutes after midnight, or -1.
int MinuteOfDay(const std::string& text) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || hours < 0 || hours > 23 || minutes < 0 ||
      minutes > 59) {
    return -1;
  }
  return hours * 60 + minutes;
}

Shift ReadShift(const v1::ModbusShift& config, const std::string& key, ConfigProblems* problems) {
  Shift shift;
  if (config.days_size() > 0) shift.days = 0;
  for (int d = 0; d < config.days_size(); ++d) {
    const std::string name = absl::AsciiStrToUpper(config.days(d));
    const auto* found = std::find_if(std::begin(kDayNames), std::end(kDayNames),
                                     [&](const char* day) { return name == day; });
    if (found == std::end(kDayNames)) {
      problems->Add(absl::StrCat(key, ".days[", d, "]"),
                    absl::StrCat("must be one of MON, TUE, WED, THU, FRI, SAT, SUN, got '",
                                 config.days(d), "'"));
    } else {
      shift.days |= static_cast<uint8_t>(1u << (found - std::begin(kDayNames)));
    }
  }
  const std::pair<const std::string*, int*> times[] = {{&config.start(), &shift.start_minute},
                                                       {&config.end(), &shift.end_minute}};
  for (const auto& [text, minute] : times) {
    const std::string field = text == &config.start() ? ".start" : ".end";
    *minute = MinuteOfDay(*text);
    if (*minute < 0) {
      problems->Add(key + field, text->empty() ? std::string("is required (HH:MM, local time)")
                                               : absl::StrCat("must be HH:MM (00:00..23:59), got '",
                                                              *text, "'"));
      *minute = 0;
    }
  }
  return shift;
}

WorkUnitMap ReadWorkUnit(const v1::ModbusWorkUnit& config, const std::string& key,
                         ConfigProblems* problems) {
  WorkUnitMap unit;
  unit.work_unit_id = config.work_unit_id();
  if (!config.has_produced()) {
    problems->Add(key + ".produced", "is required: the produced-parts counter");
  } else {
    unit.produced = ReadCounter(config.produced(), key + ".produced", problems);
  }
  if (config.has_good()) unit.good = ReadCounter(config.good(), key + ".good", problems);
  if (config.has_scrap()) unit.scrap = ReadCounter(config.scrap(), key + ".scrap", problems);
  if (config.has_running()) {
    unit.running = ReadState(config.running(), key + ".running", problems);
  }
  if (config.has_planned()) {
    unit.planned = ReadState(config.planned(), key + ".planned", problems);
    if (config.shifts_size() > 0) {
      problems->Add(key + ".shifts", "give either `planned` or `shifts`, not both");
    }
  }
  for (int s = 0; s < config.shifts_size(); ++s) {
    unit.shifts.push_back(
        ReadShift(config.shifts(s), absl::StrCat(key, ".shifts[", s, "]"), problems));
  }
  const double pru = config.planned_run_time_per_unit_s();
  if (!(pru > 0 && pru <= 86400)) {
    problems->Add(key + ".planned_run_time_per_unit_s",
                  pru == 0 ? std::string("is required: greater than 0 and at most 86400")
                           : absl::StrCat("must be greater than 0 and at most 86400, got ", pru));
  } else {
    unit.planned_run_time_per_unit_s = pru;
  }
  return unit;
}

}  // namespace

double CounterSpec::modulus() const {
  if (width_bits == 16) return 65536.0;
  if (width_bits == 32) return 4294967296.0;
  return 0;
}

std::optional<ModbusSettings> ReadModbusConfig(const v1::ModbusSourceConfig& config,
                                               const SourceBindings& bindings,
                                               const std::string& key_prefix,
                                               ConfigProblems* problems) {
  const size_t problems_before = problems->problems().size();
  const std::string& p = key_prefix;
  ModbusSettings s;
  s.host = config.host();
  if (s.host.empty()) problems->Add(p + ".host", "is required: the PLC's host name or address");
  s.port = InRange(config.port(), 502, 1, 65535, p + ".port", problems);
  s.unit_id = InRange(config.unit_id(), 1, 1, 255, p + ".unit_id", problems);
  s.timeout_ms = InRange(config.timeout_ms(), 1000, 10, 60000, p + ".timeout_ms", problems);
  const int interval_ms =
      static_cast<int>(std::clamp<int64_t>(bindings.interval_ms, 100, 86400000));
  s.poll_interval_ms = InRange(config.poll_interval_ms(), std::min(1000, interval_ms), 100, 3600000,
                               p + ".poll_interval_ms", problems);
  if (config.poll_interval_ms() != 0 && s.poll_interval_ms > bindings.interval_ms) {
    problems->Add(p + ".poll_interval_ms",
                  absl::StrCat("must not exceed publish_interval_ms (", bindings.interval_ms,
                               "), got ", s.poll_interval_ms));
  }
  s.reconnect_min_ms =
      InRange(config.reconnect_min_ms(), 1000, 100, 3600000, p + ".reconnect_min_ms", problems);
  s.reconnect_max_ms = InRange(config.reconnect_max_ms(), std::max(30000, s.reconnect_min_ms), 100,
                               3600000, p + ".reconnect_max_ms", problems);
  if (s.reconnect_max_ms < s.reconnect_min_ms) {
    problems->Add(p + ".reconnect_max_ms",
                  absl::StrCat("must not be below reconnect_min_ms (", s.reconnect_min_ms,
                               "), got ", s.reconnect_max_ms));
  }

  std::set<std::string> mapped;
  for (int i = 0; i < config.work_units_size(); ++i) {
    const std::string key = absl::StrCat(p, ".work_units[", i, "]");
    WorkUnitMap unit = ReadWorkUnit(config.work_units(i), key, problems);
    const std::vector<std::string>& bound = bindings.work_unit_ids;
    if (std::find(bound.begin(), bound.end(), unit.work_unit_id) == bound.end()) {
      problems->Add(key + ".work_unit_id",
                    absl::StrCat("names '", unit.work_unit_id,
                                 "', which is not a work unit bound to this source"));
    } else if (!mapped.insert(unit.work_unit_id).second) {
      problems->Add(key + ".work_unit_id",
                    absl::StrCat("duplicate: '", unit.work_unit_id, "' has a map already"));
    }
    s.work_units.push_back(std::move(unit));
  }
  for (const std::string& id : bindings.work_unit_ids) {
    if (mapped.count(id) == 0) {
      problems->Add(p + ".work_units", absl::StrCat("needs a register map for work unit '", id,
                                                    "' bound to this source"));
    }
  }
  if (!bindings.scenario_ids.empty()) {
    problems->Add(p, absl::StrCat("gives no inference counts, so no scenario's evidence_source may "
                                  "name it; scenario '",
                                  bindings.scenario_ids.front(), "' does"));
  }
  if (problems->problems().size() != problems_before) return std::nullopt;
  return s;
}

}  // namespace ftel
