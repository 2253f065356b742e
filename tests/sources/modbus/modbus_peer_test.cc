// The modbus source against a Modbus TCP server no one here wrote: Debian's
// python3-pymodbus (modbus_peer.py), whose registers the test sets through a
// FIFO. The source's per-window elements must equal what the peer served;
// a stopped peer makes exactly its windows unknown; a peer that accepts
// but never answers never makes TakeWindow wait.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/sources/modbus/modbus_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libftel/config/yaml_proto_loader.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::MatchesRegex;

// The pymodbus server, controlled through a FIFO.
class Peer {
 public:
  Peer(const TempDir& dir, int port) : dir_(dir), port_(port) {
    fifo_ = dir_.path() + "/control";
    mkfifo(fifo_.c_str(), 0600);
  }
  ~Peer() { Kill(); }

  // `initial`: TABLE, ADDRESS, VALUE, ... that the registers hold before the
  // first client connects.
  void Start(const std::vector<std::string>& initial = {}) {
    ++starts_;
    std::vector<std::string> command = {FTEL_SYSTEM_PYTHON, FTEL_MODBUS_PEER, std::to_string(port_),
                                        fifo_};
    command.insert(command.end(), initial.begin(), initial.end());
    absl::StatusOr<std::unique_ptr<ChildProcess>> child =
        ChildProcess::Start(command, absl::StrCat(dir_.path(), "/peer-", starts_, ".log"));
    ASSERT_TRUE(child.ok()) << child.status();
    child_ = std::move(*child);
    applied_ = 0;
    // The FIFO opens once the peer reads it; no reader yet gives ENXIO.
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while ((control_ = open(fifo_.c_str(), O_WRONLY | O_NONBLOCK)) < 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    ASSERT_GE(control_, 0) << "the peer never opened its FIFO: " << child_->Log();
    fcntl(control_, F_SETFL, 0);
    ASSERT_TRUE(WaitForPort(port_, absl::Seconds(20))) << child_->Log();
  }

  // Sends one command and waits until the peer applied it.
  void Command(const std::string& command) {
    const std::string line = command + "\n";
    ASSERT_EQ(write(control_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    ++applied_;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (Applied() < applied_ && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
    ASSERT_EQ(Applied(), applied_) << child_->Log();
  }

  // Gone at once, as a PLC whose power is cut.
  void Kill() {
    if (child_ == nullptr) return;
    child_->Signal(SIGKILL);
    child_->WaitForExit(absl::Seconds(10));
    child_.reset();
    close(control_);
    control_ = -1;
  }

 private:
  int Applied() const {
    const std::string log = child_->Log();
    int count = 0;
    for (size_t at = log.find("applied "); at != std::string::npos;
         at = log.find("applied ", at + 1)) {
      ++count;
    }
    return count;
  }

  const TempDir& dir_;
  const int port_;
  std::string fifo_;
  int starts_ = 0;
  int applied_ = 0;
  int control_ = -1;
  std::unique_ptr<ChildProcess> child_;
};

constexpr int kPollMs = 100;

std::unique_ptr<KpiSource> MakeSource(int port, int timeout_ms = 500) {
  const std::string yaml = absl::StrCat(R"(
name: plc
type: modbus
modbus:
  host: 127.0.0.1
  port: )",
                                        port, R"(
  timeout_ms: )",
                                        timeout_ms, R"(
  poll_interval_ms: 100
  reconnect_min_ms: 100
  reconnect_max_ms: 400
  work_units:
    - work_unit_id: cell-1
      produced: {address: 0}
      good: {address: 1}
      running: {table: COIL, address: 0}
      planned_run_time_per_unit_s: 2
    - work_unit_id: cell-2
      produced: {table: INPUT_REGISTER, address: 10, width_bits: 32, word_order: LOW_WORD_FIRST}
      scrap: {table: INPUT_REGISTER, address: 12}
      running: {table: HOLDING_REGISTER, address: 20, mask: 1}
      planned_run_time_per_unit_s: 3
)");
  v1::SourceConfig config;
  ConfigProblems problems("test.yaml");
  LoadYamlText(yaml, &config, &problems);
  SourceBindings bindings;
  bindings.work_unit_ids = {"cell-1", "cell-2"};
  bindings.interval_ms = 1000;
  std::unique_ptr<KpiSource> source = CreateModbusSource(config, bindings, "sources[0]", &problems);
  EXPECT_TRUE(problems.empty()) << problems.ToStatus();
  return source;
}

// Windows from the end of the last one to now, on the wall clock.
class Windows {
 public:
  explicit Windows(KpiSource* source) : source_(source), start_ms_(clock_.NowMs()) {}
  SourceWindow Take() {
    ReportWindow window{start_ms_, clock_.NowMs(), ++sequence_};
    last_length_s_ = static_cast<double>(window.end_ms - window.start_ms) / 1000.0;
    start_ms_ = window.end_ms;
    SourceWindow seen = source_->TakeWindow(window);
    // What each window saw, for the log.
    for (const auto& [id, figure] : seen.work_units) {
      if (!figure.known()) {
        std::cout << "window " << sequence_ << " (" << last_length_s_ << " s) " << id
                  << ": unknown: " << figure.unknown_reason << "\n";
        continue;
      }
      const v1::WorkUnitElements& e = *figure.value;
      std::cout << "window " << sequence_ << " (" << last_length_s_ << " s) " << id << ": PQ "
                << e.produced_quantity() << " GQ " << e.good_quantity() << " SQ "
                << e.scrap_quantity() << " PBT " << e.planned_busy_time_s() << " s APT "
                << e.actual_production_time_s() << " s\n";
    }
    return seen;
  }
  double last_length_s() const { return last_length_s_; }

 private:
  SystemClock clock_;
  KpiSource* source_;
  int64_t start_ms_;
  uint64_t sequence_ = 0;
  double last_length_s_ = 0;
};

const v1::WorkUnitElements& Known(const SourceWindow& seen, const std::string& id) {
  static const v1::WorkUnitElements kNone;
  auto it = seen.work_units.find(id);
  EXPECT_TRUE(it != seen.work_units.end() && it->second.known())
      << id << ": " << (it == seen.work_units.end() ? "missing" : it->second.unknown_reason);
  return it != seen.work_units.end() && it->second.known() ? *it->second.value : kNone;
}

void Sleep(int ms) { absl::SleepFor(absl::Milliseconds(ms)); }

// Within a poll interval (and a little scheduling slack) of `expected`.
void ExpectTimeNear(double seconds, double expected) {
  EXPECT_NEAR(seconds, expected, (kPollMs + 60) / 1000.0);
}

TEST(ModbusPeerTest, ElementsEqualWhatThePeerServed) {
  TempDir dir;
  const int port = FreeLoopbackPort();
  Peer peer(dir, port);
  ASSERT_NO_FATAL_FAILURE(peer.Start());
  for (const char* command : {"set hr 0 100", "set hr 1 90", "set co 0 1", "set ir 10 16",
                              "set ir 11 1", "set ir 12 3", "set hr 20 1"}) {
    ASSERT_NO_FATAL_FAILURE(peer.Command(command));
  }
  std::unique_ptr<KpiSource> source = MakeSource(port);
  ASSERT_TRUE(source->Start().ok());
  Windows windows(source.get());
  Sleep(500);
  SourceWindow w = windows.Take();  // the baseline and a few polls: nothing made yet
  EXPECT_EQ(Known(w, "cell-1").produced_quantity(), 0u);
  EXPECT_EQ(Known(w, "cell-2").produced_quantity(), 0u);

  // 7 parts, 6 good on cell 1; 20 parts on the 32-bit low-word-first
  // counter (65552 -> 65572), 2 of them scrap, on cell 2.
  for (const char* command : {"add hr 0 7", "add hr 1 6", "add ir 10 20", "add ir 12 2"}) {
    ASSERT_NO_FATAL_FAILURE(peer.Command(command));
  }
  Sleep(600);
  w = windows.Take();
  const v1::WorkUnitElements& one = Known(w, "cell-1");
  EXPECT_EQ(one.produced_quantity(), 7u);
  EXPECT_EQ(one.good_quantity(), 6u);
  EXPECT_EQ(one.scrap_quantity(), 0u);
  EXPECT_DOUBLE_EQ(one.planned_run_time_per_unit_s(), 2.0);
  ExpectTimeNear(one.planned_busy_time_s(), windows.last_length_s());
  EXPECT_DOUBLE_EQ(one.actual_production_time_s(), one.planned_busy_time_s());
  const v1::WorkUnitElements& two = Known(w, "cell-2");
  EXPECT_EQ(two.produced_quantity(), 20u);
  EXPECT_EQ(two.scrap_quantity(), 2u);
  EXPECT_EQ(two.good_quantity(), 18u);
  EXPECT_DOUBLE_EQ(two.planned_run_time_per_unit_s(), 3.0);
  ExpectTimeNear(two.actual_production_time_s(), windows.last_length_s());

  // Both stop running: no production time beyond one poll interval.
  ASSERT_NO_FATAL_FAILURE(peer.Command("set co 0 0"));
  ASSERT_NO_FATAL_FAILURE(peer.Command("set hr 20 2"));  // bit 0 off
  windows.Take();
  Sleep(700);
  w = windows.Take();
  ExpectTimeNear(Known(w, "cell-1").planned_busy_time_s(), windows.last_length_s());
  ExpectTimeNear(Known(w, "cell-1").actual_production_time_s(), 0);
  ExpectTimeNear(Known(w, "cell-2").actual_production_time_s(), 0);

  // The 16-bit counter wraps on the peer: 107 -> 65527 -> (65547 mod 65536) 11.
  ASSERT_NO_FATAL_FAILURE(peer.Command("add hr 0 65420"));
  Sleep(300);
  EXPECT_EQ(Known(windows.Take(), "cell-1").produced_quantity(), 65420u);
  ASSERT_NO_FATAL_FAILURE(peer.Command("add hr 0 20"));
  Sleep(300);
  EXPECT_EQ(Known(windows.Take(), "cell-1").produced_quantity(), 20u);
  source->Stop();
}

TEST(ModbusPeerTest, StoppedPeerIsUnknownForExactlyThoseWindows) {
  TempDir dir;
  const int port = FreeLoopbackPort();
  Peer peer(dir, port);
  ASSERT_NO_FATAL_FAILURE(peer.Start());
  ASSERT_NO_FATAL_FAILURE(peer.Command("set hr 0 10"));
  ASSERT_NO_FATAL_FAILURE(peer.Command("set co 0 1"));
  std::unique_ptr<KpiSource> source = MakeSource(port);
  ASSERT_TRUE(source->Start().ok());
  Windows windows(source.get());
  Sleep(400);
  Known(windows.Take(), "cell-1");
  ASSERT_NO_FATAL_FAILURE(peer.Command("add hr 0 5"));
  Sleep(300);
  peer.Kill();
  // Up to the kill: every successful poll is in this window.
  EXPECT_EQ(Known(windows.Take(), "cell-1").produced_quantity(), 5u);

  for (int i = 0; i < 2; ++i) {
    Sleep(500);
    SourceWindow away = windows.Take();
    for (const char* id : {"cell-1", "cell-2"}) {
      const Figure<v1::WorkUnitElements>& figure = away.work_units[id];
      EXPECT_FALSE(figure.known()) << id << " in window " << i;
      EXPECT_THAT(figure.unknown_reason, MatchesRegex("(unreachable|connection lost): .+"));
    }
  }

  // Back, with 4 parts made while it was away: not counted, as the time away
  // is not. The window begins with 300 ms still away, whatever the time the
  // peer then takes to start. The peer holds its counter from the first
  // connection on, as a PLC's retained registers do: set by a command after
  // the start, a poll in between (seen under qemu) read 0 and then counted
  // the jump to 19 as parts made.
  Sleep(300);
  ASSERT_NO_FATAL_FAILURE(peer.Start({"hr", "0", "19", "co", "0", "1"}));
  Sleep(1000);
  SourceWindow back = windows.Take();
  const v1::WorkUnitElements& returned = Known(back, "cell-1");
  EXPECT_EQ(returned.produced_quantity(), 0u);
  // The time away is not counted: less planned time than the window.
  EXPECT_GT(returned.planned_busy_time_s(), 0.0);
  EXPECT_LT(returned.planned_busy_time_s(), windows.last_length_s() - 0.2);
  ASSERT_NO_FATAL_FAILURE(peer.Command("add hr 0 3"));
  Sleep(400);
  const SourceWindow next = windows.Take();
  const v1::WorkUnitElements& after = Known(next, "cell-1");
  EXPECT_EQ(after.produced_quantity(), 3u);
  ExpectTimeNear(after.actual_production_time_s(), windows.last_length_s());
  source->Stop();
}

// Listens, so connecting succeeds (the kernel completes the handshake), but
// never accepts or answers.
class StalledPeer {
 public:
  StalledPeer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    listen(fd_, 16);
  }
  ~StalledPeer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ModbusPeerTest, PeerThatNeverAnswersNeverMakesTakeWindowWait) {
  StalledPeer stalled;
  std::unique_ptr<KpiSource> source = MakeSource(stalled.port(), /*timeout_ms=*/3000);
  ASSERT_TRUE(source->Start().ok());
  Windows windows(source.get());
  for (int i = 0; i < 5; ++i) {
    Sleep(200);  // the first poll waits for its answer all along
    const absl::Time before = absl::Now();
    const SourceWindow seen = windows.Take();
    EXPECT_LT(absl::Now() - before, absl::Milliseconds(100));
    EXPECT_FALSE(seen.work_units.at("cell-1").known());
    EXPECT_EQ(seen.work_units.at("cell-1").unknown_reason, "no poll completed in the window");
  }
  Sleep(2500);  // past the 3 s timeout
  EXPECT_EQ(windows.Take().work_units.at("cell-2").unknown_reason, "timeout after 3000 ms");
  const absl::Time before_stop = absl::Now();
  source->Stop();
  EXPECT_LT(absl::Now() - before_stop, absl::Seconds(4));
}

}  // namespace
}  // namespace ftel
