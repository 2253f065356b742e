#include "tools/plant_sim/modbus_server.h"

#include <errno.h>
#include <modbus.h>
#include <sys/select.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "libftel/platform/log.h"

namespace ftel::plant_sim {
namespace {

constexpr int kRegisters = 1000;
constexpr int kCoils = 100;

void PutU32(std::vector<uint16_t>& registers, int address, uint32_t value, bool low_word_first) {
  const uint16_t high = static_cast<uint16_t>(value >> 16);
  const uint16_t low = static_cast<uint16_t>(value & 0xffff);
  registers[address] = low_word_first ? low : high;
  registers[address + 1] = low_word_first ? high : low;
}

}  // namespace

ModbusServer::~ModbusServer() { Shutdown(); }

absl::Status ModbusServer::Start(const std::string& host, int port) {
  host_ = host;
  port_ = port;
  {
    absl::MutexLock lock(&mu_);
    registers_.assign(kRegisters, 0);
    coils_.assign(kCoils, 0);
    want_serving_ = true;
  }
  thread_ = std::thread([this] { Serve(); });
  absl::MutexLock lock(&mu_);
  awaited_attempts_ = 1;
  mu_.Await(absl::Condition(this, &ModbusServer::Attempted));
  return listen_status_;
}

void ModbusServer::Shutdown() {
  shutting_down_ = true;
  if (thread_.joinable()) thread_.join();
}

void ModbusServer::Publish(const std::vector<LineState>& lines) {
  absl::MutexLock lock(&mu_);
  for (const LineState& line : lines) {
    const int base = line.modbus_base;
    if (base + 5 > kRegisters) continue;
    PutU32(registers_, base, static_cast<uint32_t>(line.produced), line.low_word_first);
    PutU32(registers_, base + 2, static_cast<uint32_t>(line.good), line.low_word_first);
    registers_[base + 4] = (line.running ? 1 : 0) | (line.planned ? 2 : 0);
    if (base / 10 < kCoils) coils_[base / 10] = line.running ? 1 : 0;
  }
}

absl::Status ModbusServer::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (want_serving_ == serving && listening_ == serving) return absl::OkStatus();
  want_serving_ = serving;
  awaited_attempts_ = attempts_ + 1;
  mu_.Await(absl::Condition(this, &ModbusServer::Attempted));
  return serving ? listen_status_ : absl::OkStatus();
}

bool ModbusServer::serving() {
  absl::MutexLock lock(&mu_);
  return listening_;
}

void ModbusServer::Serve() {
  modbus_t* ctx = modbus_new_tcp(host_.c_str(), port_);
  modbus_mapping_t* mapping = modbus_mapping_new(kCoils, 0, kRegisters, 0);
  int listen_fd = -1;
  std::set<int> clients;
  auto close_all = [&] {
    for (int fd : clients) close(fd);
    clients.clear();
    if (listen_fd >= 0) close(listen_fd);
    listen_fd = -1;
  };
  if (ctx == nullptr || mapping == nullptr) {
    absl::MutexLock lock(&mu_);
    listen_status_ = absl::InternalError("modbus: cannot create the server context");
    ++attempts_;
    return;
  }
  uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  while (!shutting_down_) {
    bool want;
    {
      absl::MutexLock lock(&mu_);
      want = want_serving_;
    }
    if (want && listen_fd < 0) {
      listen_fd = modbus_tcp_listen(ctx, 16);
      absl::MutexLock lock(&mu_);
      listening_ = listen_fd >= 0;
      listen_status_ =
          listening_ ? absl::OkStatus()
                     : absl::UnavailableError(absl::StrCat("modbus: cannot listen on ", host_, ":",
                                                           port_, ": ", modbus_strerror(errno)));
      ++attempts_;
      if (listening_) LogInfo(absl::StrCat("modbus: serving on ", host_, ":", port_));
      if (!listening_) want_serving_ = false;
    } else if (!want && listen_fd >= 0) {
      close_all();
      absl::MutexLock lock(&mu_);
      listening_ = false;
      ++attempts_;
      LogInfo("modbus: stopped (connections closed, port not listening)");
    }
    fd_set readable;
    FD_ZERO(&readable);
    int max_fd = -1;
    if (listen_fd >= 0) {
      FD_SET(listen_fd, &readable);
      max_fd = listen_fd;
    }
    for (int fd : clients) {
      FD_SET(fd, &readable);
      max_fd = std::max(max_fd, fd);
    }
    timeval timeout{0, 100 * 1000};
    const int ready = select(max_fd + 1, &readable, nullptr, nullptr, &timeout);
    if (ready <= 0) continue;
    if (listen_fd >= 0 && FD_ISSET(listen_fd, &readable)) {
      const int fd = modbus_tcp_accept(ctx, &listen_fd);
      if (fd >= 0) clients.insert(fd);
    }
    for (auto it = clients.begin(); it != clients.end();) {
      const int fd = *it;
      if (!FD_ISSET(fd, &readable)) {
        ++it;
        continue;
      }
      modbus_set_socket(ctx, fd);
      const int length = modbus_receive(ctx, query);
      if (length > 0) {
        {
          absl::MutexLock lock(&mu_);
          std::memcpy(mapping->tab_registers, registers_.data(), kRegisters * sizeof(uint16_t));
          std::memcpy(mapping->tab_bits, coils_.data(), kCoils);
        }
        modbus_reply(ctx, query, length, mapping);
        ++it;
      } else if (length == -1) {
        close(fd);
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
  }
  close_all();
  modbus_mapping_free(mapping);
  modbus_free(ctx);
}

}  // namespace ftel::plant_sim
