#include "agent/sources/modbus/modbus_client.h"

#include <modbus.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

class ModbusTcpClient : public RegisterClient {
 public:
  explicit ModbusTcpClient(const ModbusSettings& settings)
      : host_(settings.host),
        port_(std::to_string(settings.port)),
        unit_id_(settings.unit_id),
        timeout_ms_(settings.timeout_ms) {}
  ~ModbusTcpClient() override { Close(); }

  absl::Status Connect() override {
    Close();
    // The _pi variant resolves host names too (modbus_new_tcp takes only
    // IPv4 addresses).
    ctx_ = modbus_new_tcp_pi(host_.c_str(), port_.c_str());
    if (ctx_ == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot create a Modbus TCP context: ", modbus_strerror(errno)));
    }
    const uint32_t seconds = static_cast<uint32_t>(timeout_ms_ / 1000);
    const uint32_t micros = static_cast<uint32_t>(timeout_ms_ % 1000) * 1000;
    // Connecting waits for the response timeout too (libmodbus >= 3.1.1).
    modbus_set_response_timeout(ctx_, seconds, micros);
    modbus_set_byte_timeout(ctx_, seconds, micros);
    modbus_set_slave(ctx_, unit_id_);
    if (modbus_connect(ctx_) == -1) {
      const int error = errno;
      Close();
      if (error == ETIMEDOUT || error == EINPROGRESS) {
        return absl::UnavailableError(
            absl::StrCat("unreachable: connect timeout after ", timeout_ms_, " ms"));
      }
      return absl::UnavailableError(absl::StrCat("unreachable: ", modbus_strerror(error)));
    }
    return absl::OkStatus();
  }

  void Close() override {
    if (ctx_ == nullptr) return;
    modbus_close(ctx_);
    modbus_free(ctx_);
    ctx_ = nullptr;
  }

  absl::Status ReadRegisters(ModbusTableKind table, uint16_t address, int count,
                             uint16_t* out) override {
    if (ctx_ == nullptr) return absl::UnavailableError("not connected");
    const int read = table == ModbusTableKind::kInputRegister
                         ? modbus_read_input_registers(ctx_, address, count, out)
                         : modbus_read_registers(ctx_, address, count, out);
    if (read == count) return absl::OkStatus();
    return Failed(read);
  }

  absl::Status ReadBit(ModbusTableKind table, uint16_t address, bool* on) override {
    if (ctx_ == nullptr) return absl::UnavailableError("not connected");
    uint8_t bit = 0;
    const int read = table == ModbusTableKind::kDiscreteInput
                         ? modbus_read_input_bits(ctx_, address, 1, &bit)
                         : modbus_read_bits(ctx_, address, 1, &bit);
    if (read != 1) return Failed(read);
    *on = bit != 0;
    return absl::OkStatus();
  }

 private:
  // After a failed read: a Modbus exception leaves the connection usable;
  // anything else (timeout, reset, garbled answer) closes it, so that a late
  // answer cannot be taken for the next one.
  absl::Status Failed(int read) {
    const int error = read == -1 ? errno : EMBMDATA;
    if (error >= EMBXILFUN && error <= EMBXGTAR) {
      return absl::FailedPreconditionError(absl::StrCat("read failed: ", modbus_strerror(error)));
    }
    Close();
    if (error == ETIMEDOUT) {
      return absl::DeadlineExceededError(absl::StrCat("timeout after ", timeout_ms_, " ms"));
    }
    return absl::UnavailableError(absl::StrCat("connection lost: ", modbus_strerror(error)));
  }

  const std::string host_;
  const std::string port_;
  const int unit_id_;
  const int timeout_ms_;
  modbus_t* ctx_ = nullptr;
};

}  // namespace

std::unique_ptr<RegisterClient> NewModbusTcpClient(const ModbusSettings& settings) {
  return std::make_unique<ModbusTcpClient>(settings);
}

}  // namespace ftel
