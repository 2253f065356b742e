#include "agent/sources/modbus/modbus_source.h"

#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/sources/modbus/register_decode.h"
#include "agent/sources/modbus/work_unit_tracker.h"
#include "agent/sources/poll_loop.h"
#include "libftel/platform/reconnect_backoff.h"

namespace ftel {
namespace {

constexpr char kNotStarted[] = "not started";

class ModbusSource : public KpiSource {
 public:
  ModbusSource(ModbusSettings settings, std::unique_ptr<RegisterClient> client, const Clock* clock)
      : settings_(std::move(settings)),
        client_(std::move(client)),
        clock_(clock),
        backoff_(settings_.reconnect_min_ms, settings_.reconnect_max_ms, std::random_device{}()),
        loop_(absl::StrCat("modbus ", settings_.host, ":", settings_.port),
              absl::Milliseconds(settings_.poll_interval_ms), [this] { PollOnce(); }) {
    for (const WorkUnitMap& map : settings_.work_units) trackers_.emplace_back(map);
  }
  ~ModbusSource() override { Stop(); }

  absl::Status Start() override {
    {
      absl::MutexLock lock(&mu_);
      started_ = true;
    }
    return loop_.Start();
  }

  void Stop() override {
    loop_.Stop();
    client_->Close();
  }

  SourceWindow TakeWindow(const ReportWindow& window) override {
    SourceWindow seen;
    absl::MutexLock lock(&mu_);
    for (WorkUnitTracker& tracker : trackers_) {
      seen.work_units[tracker.work_unit_id()] =
          started_ ? tracker.TakeWindow(window)
                   : Figure<v1::WorkUnitElements>::Unknown(kNotStarted);
    }
    return seen;
  }

 private:
  // The polling thread's work: (re)connect when due, read every work unit,
  // then record the readings under the lock.
  void PollOnce() {
    if (!connected_) {
      if (clock_->MonotonicMs() < next_attempt_ms_) return;
      if (absl::Status connected = client_->Connect(); !connected.ok()) {
        GiveUp(std::string(connected.message()));
        return;
      }
      connected_ = true;
      backoff_.Reset();
    }
    std::vector<absl::StatusOr<UnitReading>> readings;
    for (const WorkUnitMap& map : settings_.work_units) {
      readings.push_back(ReadUnit(map));
      const absl::Status& status = readings.back().status();
      if (!status.ok() && !absl::IsFailedPrecondition(status)) {
        // The connection is gone (the client closed it): every unit is lost.
        connected_ = false;
        GiveUp(std::string(status.message()));
        return;
      }
    }
    const int64_t wall_ms = clock_->NowMs();
    const int64_t mono_ms = clock_->MonotonicMs();
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < trackers_.size(); ++i) {
      if (readings[i].ok()) {
        trackers_[i].Observe(*readings[i], wall_ms, mono_ms);
      } else {
        trackers_[i].Lost(std::string(readings[i].status().message()));
      }
    }
  }

  // Not connected: every unit is lost for `reason`; try again after the backoff.
  void GiveUp(const std::string& reason) {
    next_attempt_ms_ = clock_->MonotonicMs() + backoff_.NextDelayMs();
    absl::MutexLock lock(&mu_);
    for (WorkUnitTracker& tracker : trackers_) tracker.Lost(reason);
  }

  absl::StatusOr<uint64_t> ReadCounter(const CounterSpec& spec) {
    uint16_t words[4] = {0, 0, 0, 0};
    if (absl::Status s = client_->ReadRegisters(spec.table, spec.address, spec.registers(), words);
        !s.ok()) {
      return s;
    }
    return CombineRegisters(words, spec.registers(), spec.word_order);
  }

  absl::StatusOr<bool> ReadState(const StateSpec& spec) {
    uint16_t value = 0;
    if (spec.is_bit()) {
      bool on = false;
      if (absl::Status s = client_->ReadBit(spec.table, spec.address, &on); !s.ok()) return s;
      value = on ? 1 : 0;
    } else if (absl::Status s = client_->ReadRegisters(spec.table, spec.address, 1, &value);
               !s.ok()) {
      return s;
    }
    return StateIsOn(spec, value);
  }

  absl::StatusOr<UnitReading> ReadUnit(const WorkUnitMap& map) {
    UnitReading reading;
    absl::StatusOr<uint64_t> produced = ReadCounter(map.produced);
    if (!produced.ok()) return produced.status();
    reading.produced = *produced;
    for (auto [spec, into] :
         {std::pair{&map.good, &reading.good}, std::pair{&map.scrap, &reading.scrap}}) {
      if (!spec->has_value()) continue;
      absl::StatusOr<uint64_t> value = ReadCounter(**spec);
      if (!value.ok()) return value.status();
      *into = *value;
    }
    for (auto [spec, into] :
         {std::pair{&map.running, &reading.running}, std::pair{&map.planned, &reading.planned}}) {
      if (!spec->has_value()) continue;
      absl::StatusOr<bool> on = ReadState(**spec);
      if (!on.ok()) return on.status();
      *into = *on;
    }
    return reading;
  }

  const ModbusSettings settings_;
  // The polling thread's own: no lock.
  const std::unique_ptr<RegisterClient> client_;
  const Clock* const clock_;
  ReconnectBackoff backoff_;
  bool connected_ = false;
  int64_t next_attempt_ms_ = 0;

  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<WorkUnitTracker> trackers_ ABSL_GUARDED_BY(mu_);

  // Last: its thread calls PollOnce, so it stops before the rest goes away.
  PollLoop loop_;
};

const Clock* RealClock() {
  static const SystemClock* clock = new SystemClock();
  return clock;
}

}  // namespace

std::unique_ptr<KpiSource> NewModbusSource(ModbusSettings settings,
                                           std::unique_ptr<RegisterClient> client,
                                           const Clock* clock) {
  return std::make_unique<ModbusSource>(std::move(settings), std::move(client), clock);
}

std::unique_ptr<KpiSource> CreateModbusSource(const v1::SourceConfig& config,
                                              const SourceBindings& bindings,
                                              const std::string& key_prefix,
                                              ConfigProblems* problems) {
  std::optional<ModbusSettings> settings =
      ReadModbusConfig(config.modbus(), bindings, key_prefix + ".modbus", problems);
  if (!settings.has_value()) return nullptr;
  std::unique_ptr<RegisterClient> client = NewModbusTcpClient(*settings);
  return NewModbusSource(std::move(*settings), std::move(client), RealClock());
}

}  // namespace ftel
