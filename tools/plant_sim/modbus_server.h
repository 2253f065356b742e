// The plant's Modbus TCP server (libmodbus), one thread serving any number
// of clients. Per line, from its `modbus_base` B, holding registers:
//
//   B, B+1   produced parts, 32 bits (word order per line)
//   B+2, B+3 good parts, 32 bits (same word order)
//   B+4      state: bit 0 running, bit 1 planned
//
// and coil B/10 mirrors the running state. The server can be stopped and
// started again while the program runs: stopped, it closes every connection
// and its listening socket, so clients see "connection refused".
//
//   ModbusServer server;
//   RETURN_IF_ERROR(server.Start("127.0.0.1", 1502));
//   server.Publish(plant.lines());   // after every tick
//   server.SetServing(false);        // as if the PLC went away
#ifndef FTEL_TOOLS_PLANT_SIM_MODBUS_SERVER_H_
#define FTEL_TOOLS_PLANT_SIM_MODBUS_SERVER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "tools/plant_sim/line_model.h"

namespace ftel::plant_sim {

class ModbusServer {
 public:
  ModbusServer() = default;
  ~ModbusServer();
  ModbusServer(const ModbusServer&) = delete;
  ModbusServer& operator=(const ModbusServer&) = delete;

  // Listens on host:port and starts serving; Unavailable if it cannot bind.
  absl::Status Start(const std::string& host, int port) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops serving and the thread.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

  // The registers the clients read from now on.
  void Publish(const std::vector<LineState>& lines) ABSL_LOCKS_EXCLUDED(mu_);

  // Stops (false) or resumes (true) serving; returns once done, with an
  // error if listening again failed.
  absl::Status SetServing(bool serving) ABSL_LOCKS_EXCLUDED(mu_);
  bool serving() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Serve();
  bool Attempted() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return attempts_ >= awaited_attempts_;
  }

  std::string host_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> shutting_down_{false};

  absl::Mutex mu_;
  // The register and coil images, by address.
  std::vector<uint16_t> registers_ ABSL_GUARDED_BY(mu_);
  std::vector<uint8_t> coils_ ABSL_GUARDED_BY(mu_);
  // What SetServing asked for, what the thread did, and why listening failed.
  bool want_serving_ ABSL_GUARDED_BY(mu_) = true;
  bool listening_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t attempts_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t awaited_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status listen_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ftel::plant_sim

#endif  // FTEL_TOOLS_PLANT_SIM_MODBUS_SERVER_H_
