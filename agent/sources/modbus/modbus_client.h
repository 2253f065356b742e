// A connection to one PLC that reads registers and bits, and the libmodbus
// Modbus TCP implementation of it. Every call blocks for at most the
// configured timeout. The statuses say what to do next:
// Unavailable (cannot connect, connection lost) and DeadlineExceeded (no
// answer in time) mean reconnect; FailedPrecondition means the PLC answered
// with a Modbus exception (illegal address, ...) and the connection is fine.
// Not thread-safe: the source's polling thread owns it.
//
//   std::unique_ptr<RegisterClient> plc = NewModbusTcpClient(settings);
//   RETURN_IF_ERROR(plc->Connect());
//   uint16_t words[2];
//   RETURN_IF_ERROR(plc->ReadRegisters(ModbusTableKind::kHoldingRegister, 100, 2, words));
//   plc->Close();
#ifndef FTEL_AGENT_SOURCES_MODBUS_MODBUS_CLIENT_H_
#define FTEL_AGENT_SOURCES_MODBUS_MODBUS_CLIENT_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "agent/sources/modbus/register_map.h"

namespace ftel {

class RegisterClient {
 public:
  virtual ~RegisterClient() = default;
  virtual absl::Status Connect() = 0;
  // Idempotent.
  virtual void Close() = 0;
  // `count` registers (1..125) from a holding or input register table.
  virtual absl::Status ReadRegisters(ModbusTableKind table, uint16_t address, int count,
                                     uint16_t* out) = 0;
  // One coil or discrete input.
  virtual absl::Status ReadBit(ModbusTableKind table, uint16_t address, bool* on) = 0;
};

// Modbus TCP to settings.host:settings.port with settings.unit_id, its
// timeout for connecting and for each response. Does no I/O until Connect.
std::unique_ptr<RegisterClient> NewModbusTcpClient(const ModbusSettings& settings);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MODBUS_MODBUS_CLIENT_H_
