#include "tests/support/broker_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = Loopback(0);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool WaitForPort(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = Loopback(port);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    close(fd);
    if (up) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

absl::StatusOr<std::unique_ptr<BrokerProcess>> BrokerProcess::Start(const TempDir& dir,
                                                                    const std::string& extra_config,
                                                                    int port) {
  if (port == 0) port = FreeLoopbackPort();
  const std::string config =
      dir.WriteFile(absl::StrCat("mosquitto-", port, ".conf"),
                    // mosquitto started as root drops to its own user unless told otherwise,
                    // and that user cannot write (or read certificates in) a test's directory.
                    absl::StrCat("user root\nlistener ", port, " 127.0.0.1\nallow_anonymous true\n",
                                 extra_config));
  std::unique_ptr<BrokerProcess> broker(
      new BrokerProcess(port, config, absl::StrCat(dir.path(), "/mosquitto-", port, ".log")));
  if (absl::Status started = broker->Restart(); !started.ok()) return started;
  return broker;
}

void BrokerProcess::Stop() {
  if (process_ == nullptr) return;
  process_->Signal(SIGTERM);
  process_->WaitForExit(absl::Seconds(10));
  process_.reset();
}

void BrokerProcess::Kill() {
  if (process_ == nullptr) return;
  process_->Signal(SIGKILL);
  process_->WaitForExit(absl::Seconds(10));
  process_.reset();
}

absl::Status BrokerProcess::Restart() {
  Stop();
  auto process = ChildProcess::Start({FTEL_MOSQUITTO_BIN, "-c", config_path_}, log_path_);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  if (!WaitForPort(port_, absl::Seconds(10))) {
    return absl::UnavailableError(
        absl::StrCat("mosquitto did not listen on ", port_, ": ", process_->Log()));
  }
  return absl::OkStatus();
}

}  // namespace ftel
