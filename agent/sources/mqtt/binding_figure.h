// What one binding of the mqtt source accumulates between two windows, and
// whether its figure is known (the rule is in proto/ftel/v1/source_mqtt.proto,
// MqttSourceConfig): a figure is known when what it depends on was in order
// for the whole window. Not thread-safe: the source calls it under its lock.
//
//   BindingFigure parts(v1::MqttBinding::COUNTER, /*modulus=*/0);
//   parts.FeedDown("not connected");          // connection lost
//   parts.Reading(1234.0, /*birth=*/false, now_ms);
//   Figure<double> seen = parts.TakeWindow(now_ms);  // once per window
#ifndef FTEL_AGENT_SOURCES_MQTT_BINDING_FIGURE_H_
#define FTEL_AGENT_SOURCES_MQTT_BINDING_FIGURE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "agent/sources/counter_delta.h"
#include "agent/sources/kpi_source.h"
#include "ftel/v1/source_mqtt.pb.h"

namespace ftel {

class BindingFigure {
 public:
  // `kind` is resolved (not KIND_UNSPECIFIED).
  // `initial_reason`: why the figure is unknown before anything happened.
  BindingFigure(v1::MqttBinding::Kind kind, double counter_modulus,
                const std::string& initial_reason = "no message yet");

  // What the binding depends on is in order from now on: connected and
  // subscribed (plain topics), or the Sparkplug node or device was born.
  // Event counts count from here; counters and states still need a reading.
  void FeedUp();
  // What it depends on failed (`reason`): unknown from now on, counters
  // lose their baseline, until FeedUp (events) or the next reading.
  void FeedDown(const std::string& reason);
  // Says why the figure is unknown while it is (e.g. "no message yet" once
  // connected); no effect on a known figure.
  void Waiting(const std::string& reason) {
    if (!valid_) reason_ = reason;
  }
  // One value from a message; `birth` for the current values in a Sparkplug
  // birth certificate (not events). Ignored while the feed is down.
  void Reading(const absl::StatusOr<double>& value, bool birth, int64_t now_ms);

  // The window that ends at `now_ms` (monotonic): the increase (counter),
  // count or sum (events), or running time in seconds (state); unknown with
  // the reason otherwise. Starts the next window.
  Figure<double> TakeWindow(int64_t now_ms);

 private:
  void Invalidate(const std::string& reason);

  const v1::MqttBinding::Kind kind_;
  CounterDelta counter_;
  bool feed_up_ = false;
  // Whether the figure could be known now, and since the window started.
  bool valid_ = false;
  bool intact_ = false;
  // Why it is not valid now; why this window is not intact.
  std::string reason_;
  std::string window_reason_;
  double sum_ = 0;
  // STATE: the last state, since when (monotonic), running ms in the window.
  bool running_ = false;
  int64_t since_ms_ = 0;
  int64_t running_ms_ = 0;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_BINDING_FIGURE_H_
