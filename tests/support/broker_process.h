// A real mosquitto on a free loopback port, for integration tests.
//
//   ASSERT_OK_AND_ASSIGN-style:
//   auto broker = BrokerProcess::Start(dir);
//   std::string uri = (*broker)->uri();  // "tcp://127.0.0.1:40123"
#ifndef FTEL_TESTS_SUPPORT_BROKER_PROCESS_H_
#define FTEL_TESTS_SUPPORT_BROKER_PROCESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {

// A port that was free on 127.0.0.1 a moment ago.
int FreeLoopbackPort();

// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitForPort(int port, absl::Duration timeout);

class BrokerProcess {
 public:
  // Starts mosquitto with a config written into `dir`: a plain listener on
  // `port` (0: a free one) and the `extra_config` lines. Fails if the broker
  // does not listen within 10 s.
  static absl::StatusOr<std::unique_ptr<BrokerProcess>> Start(const TempDir& dir,
                                                              const std::string& extra_config = "",
                                                              int port = 0);

  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }

  // Stops the broker (SIGTERM, so a persistent one saves its database).
  void Stop();
  // Kills it (SIGKILL): what it had not saved yet is gone.
  void Kill();
  // Starts it again with the same config and port.
  absl::Status Restart();

 private:
  BrokerProcess(int port, std::string config_path, std::string log_path)
      : port_(port), config_path_(std::move(config_path)), log_path_(std::move(log_path)) {}

  int port_;
  std::string config_path_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_BROKER_PROCESS_H_
