// The modbus source over a fake PLC: what TakeWindow says before Start,
// while a poll hangs, while connecting fails, and when one unit's registers
// answer with an exception.
#include "agent/sources/modbus/modbus_source.h"

#include <atomic>
#include <map>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

// Registers by address; a read of `hang_at` blocks until released.
class FakePlc : public RegisterClient {
 public:
  absl::Status Connect() override {
    ++connects;
    if (refuse) return absl::UnavailableError("unreachable: Connection refused");
    return absl::OkStatus();
  }
  void Close() override {}
  absl::Status ReadRegisters(ModbusTableKind table, uint16_t address, int count,
                             uint16_t* out) override {
    if (address == hang_at) release.WaitForNotification();
    if (address == illegal_at)
      return absl::FailedPreconditionError("read failed: Illegal data address");
    absl::MutexLock lock(&mu);
    for (int i = 0; i < count; ++i) out[i] = registers[address + i];
    return absl::OkStatus();
  }
  absl::Status ReadBit(ModbusTableKind table, uint16_t address, bool* on) override {
    *on = true;
    return absl::OkStatus();
  }
  void Set(uint16_t address, uint16_t value) {
    absl::MutexLock lock(&mu);
    registers[address] = value;
  }

  std::atomic<int> connects{0};
  std::atomic<bool> refuse{false};
  int hang_at = -1;
  int illegal_at = -1;
  absl::Notification release;
  absl::Mutex mu;
  std::map<int, uint16_t> registers ABSL_GUARDED_BY(mu);
};

ModbusSettings Settings() {
  ModbusSettings s;
  s.host = "fake";
  s.poll_interval_ms = 100;
  s.reconnect_min_ms = 200;
  s.reconnect_max_ms = 400;
  for (const char* id : {"press-1", "press-2"}) {
    WorkUnitMap unit;
    unit.work_unit_id = id;
    unit.produced.address = unit.work_unit_id == "press-1" ? 10 : 20;
    unit.running = StateSpec{};
    unit.planned_run_time_per_unit_s = 1;
    s.work_units.push_back(unit);
  }
  return s;
}

ReportWindow WindowUpToNow(int64_t start_ms) {
  SystemClock clock;
  return ReportWindow{start_ms, clock.NowMs() + 1, 1};
}

TEST(ModbusSourceTest, BeforeStartEveryUnitIsNotStarted) {
  SystemClock clock;
  auto source = NewModbusSource(Settings(), std::make_unique<FakePlc>(), &clock);
  SourceWindow seen = source->TakeWindow({0, 10000, 1});
  ASSERT_EQ(seen.work_units.size(), 2u);
  for (const auto& [id, figure] : seen.work_units) {
    EXPECT_FALSE(figure.known()) << id;
    EXPECT_EQ(figure.unknown_reason, "not started");
  }
  EXPECT_TRUE(seen.inferences.empty());
  source->Stop();
}

TEST(ModbusSourceTest, CountsWhatThePlcCounts) {
  SystemClock clock;
  auto plc = std::make_unique<FakePlc>();
  FakePlc* fake = plc.get();
  fake->Set(10, 100);
  fake->Set(20, 5);
  auto source = NewModbusSource(Settings(), std::move(plc), &clock);
  const int64_t start = clock.NowMs();
  ASSERT_TRUE(source->Start().ok());
  absl::SleepFor(absl::Milliseconds(350));
  fake->Set(10, 107);
  fake->Set(20, 9);
  absl::SleepFor(absl::Milliseconds(350));
  SourceWindow seen = source->TakeWindow(WindowUpToNow(start));
  source->Stop();
  const Figure<v1::WorkUnitElements>& one = seen.work_units["press-1"];
  const Figure<v1::WorkUnitElements>& two = seen.work_units["press-2"];
  ASSERT_TRUE(one.known()) << one.unknown_reason;
  ASSERT_TRUE(two.known()) << two.unknown_reason;
  EXPECT_EQ(one.value->produced_quantity(), 7u);
  EXPECT_EQ(two.value->produced_quantity(), 4u);
  EXPECT_GT(one.value->actual_production_time_s(), 0.4);
  EXPECT_LE(one.value->actual_production_time_s(), one.value->planned_busy_time_s());
  EXPECT_EQ(fake->connects.load(), 1);
}

TEST(ModbusSourceTest, TakeWindowDoesNotWaitForAHangingPoll) {
  SystemClock clock;
  auto plc = std::make_unique<FakePlc>();
  FakePlc* fake = plc.get();
  fake->hang_at = 20;  // press-2's counter never answers
  auto source = NewModbusSource(Settings(), std::move(plc), &clock);
  const int64_t start = clock.NowMs();
  ASSERT_TRUE(source->Start().ok());
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time before = absl::Now();
  SourceWindow seen = source->TakeWindow(WindowUpToNow(start));
  EXPECT_LT(absl::Now() - before, absl::Milliseconds(50));
  EXPECT_EQ(seen.work_units["press-1"].unknown_reason, "no poll completed in the window");
  EXPECT_EQ(seen.work_units["press-2"].unknown_reason, "no poll completed in the window");
  fake->release.Notify();
  source->Stop();
}

TEST(ModbusSourceTest, RefusedConnectionIsUnknownWithItsReasonAndBacksOff) {
  SystemClock clock;
  auto plc = std::make_unique<FakePlc>();
  FakePlc* fake = plc.get();
  fake->refuse = true;
  auto source = NewModbusSource(Settings(), std::move(plc), &clock);
  const int64_t start = clock.NowMs();
  ASSERT_TRUE(source->Start().ok());
  absl::SleepFor(absl::Milliseconds(1050));
  SourceWindow seen = source->TakeWindow(WindowUpToNow(start));
  EXPECT_EQ(seen.work_units["press-1"].unknown_reason, "unreachable: Connection refused");
  // 11 polls; waits of 100..200, 200..400, 200..400, ... ms between attempts.
  EXPECT_GE(fake->connects.load(), 3);
  EXPECT_LE(fake->connects.load(), 6);
  fake->refuse = false;
  fake->Set(10, 1);
  absl::SleepFor(absl::Milliseconds(900));
  fake->Set(10, 4);
  absl::SleepFor(absl::Milliseconds(300));
  seen = source->TakeWindow(WindowUpToNow(start));
  source->Stop();
  ASSERT_TRUE(seen.work_units["press-1"].known()) << seen.work_units["press-1"].unknown_reason;
  EXPECT_EQ(seen.work_units["press-1"].value->produced_quantity(), 3u);
}

TEST(ModbusSourceTest, AnExceptionLosesOnlyItsUnit) {
  SystemClock clock;
  auto plc = std::make_unique<FakePlc>();
  FakePlc* fake = plc.get();
  fake->illegal_at = 20;
  auto source = NewModbusSource(Settings(), std::move(plc), &clock);
  const int64_t start = clock.NowMs();
  ASSERT_TRUE(source->Start().ok());
  absl::SleepFor(absl::Milliseconds(350));
  SourceWindow seen = source->TakeWindow(WindowUpToNow(start));
  source->Stop();
  EXPECT_TRUE(seen.work_units["press-1"].known()) << seen.work_units["press-1"].unknown_reason;
  EXPECT_EQ(seen.work_units["press-2"].unknown_reason, "read failed: Illegal data address");
  EXPECT_EQ(fake->connects.load(), 1);
}

}  // namespace
}  // namespace ftel
