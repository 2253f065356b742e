// Source type `modbus`: polls one PLC over Modbus TCP on its own thread and
// hands each bound work unit's ISO 22400 elements to the sampling thread
// once per window (proto/ftel/v1/source_modbus.proto says what the config
// means; work_unit_tracker.h how polls become elements). While the PLC is
// away its work units are unknown with the reason, and the source
// reconnects with a jittered backoff. TakeWindow never does I/O: it takes
// what the polls accumulated, under the source's lock.
//
//   registry.Register("modbus", CreateModbusSource);
//   // or, in a test, with a fake PLC and clock:
//   auto source = NewModbusSource(settings, std::move(fake_client), &fake_clock);
//   source->Start();
//   SourceWindow seen = source->TakeWindow(window);
#ifndef FTEL_AGENT_SOURCES_MODBUS_MODBUS_SOURCE_H_
#define FTEL_AGENT_SOURCES_MODBUS_MODBUS_SOURCE_H_

#include <memory>
#include <string>

#include "agent/sources/kpi_source.h"
#include "agent/sources/modbus/modbus_client.h"
#include "agent/sources/modbus/register_map.h"
#include "libftel/platform/clock.h"

namespace ftel {

// The registry's factory: checks the `modbus:` settings (no I/O).
std::unique_ptr<KpiSource> CreateModbusSource(const v1::SourceConfig& config,
                                              const SourceBindings& bindings,
                                              const std::string& key_prefix,
                                              ConfigProblems* problems);

// A source over any RegisterClient; `clock` must outlive it.
std::unique_ptr<KpiSource> NewModbusSource(ModbusSettings settings,
                                           std::unique_ptr<RegisterClient> client,
                                           const Clock* clock);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_MODBUS_SOURCE_H_
