#include "tests/support/broker_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

absl::StatusOr<std::unique_ptr<BrokerProcess>> BrokerProcess::Start(
    const TempDir& dir, const std::string& extra_config) {
  const int port = FreeLoopbackPort();
  const std::string config = dir.WriteFile(
      absl::StrCat("mosquitto-", port, ".conf"),
      absl::StrCat("listener ", port, " 127.0.0.1\nallow_anonymous true\npersistence false\n",
                   extra_config));
  auto process = ChildProcess::Start({FTEL_MOSQUITTO_BIN, "-c", config},
                                     absl::StrCat(dir.path(), "/mosquitto-", port, ".log"));
  if (!process.ok()) return process.status();
  if (!WaitForPort(port, absl::Seconds(10))) {
    return absl::UnavailableError(
        absl::StrCat("mosquitto did not listen on ", port, ": ", (*process)->Log()));
  }
  return std::unique_ptr<BrokerProcess>(new BrokerProcess(port, *std::move(process)));
}

}  // namespace ftel
