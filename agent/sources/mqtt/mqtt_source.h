// Source type `mqtt`: a second MQTT connection, to the factory's shop-floor
// broker, whose messages (JSON fields, plain numbers, Sparkplug B metrics)
// become scenario inference counts and work-unit elements
// (proto/ftel/v1/source_mqtt.proto says what each config key means and when
// a figure is known). Paho's thread delivers messages into per-binding
// figures under the source's lock; the connection is kept up (failover,
// backoff) on the source's own PollLoop thread; TakeWindow only hands over
// what accumulated, never waiting on the network.
//
//   std::unique_ptr<KpiSource> source = CreateMqttSource(config, bindings, "sources[3]",
//   &problems); RETURN_IF_ERROR(source->Start());   // connects on its own thread SourceWindow seen
//   = source->TakeWindow(window);
//
// Tests build the source from a plan with their own transport and clock, and
// call MaintainConnection() themselves instead of starting the thread.
#ifndef FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_H_
#define FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "agent/sources/kpi_source.h"
#include "agent/sources/mqtt/binding_figure.h"
#include "agent/sources/mqtt/mqtt_source_plan.h"
#include "agent/sources/mqtt/mqtt_transport_maker.h"
#include "agent/sources/mqtt/sparkplug_node_state.h"
#include "agent/sources/poll_loop.h"
#include "libftel/mqtt/broker_connection.h"
#include "libftel/platform/clock.h"

namespace ftel {

// The registry's factory (builtin_sources.cc): checks the config, no I/O.
std::unique_ptr<KpiSource> CreateMqttSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems);

struct MqttSourceOptions {
  // Borrowed; must outlive the source. Null: the system clock.
  const Clock* clock = nullptr;
  // The client; empty: MqttSourceTransportMaker() at Start.
  MqttTransportMaker make_transport;
  // false: Start does not start the thread; the caller calls MaintainConnection.
  bool own_thread = true;
  // How often the thread checks the connection.
  absl::Duration maintain_interval = absl::Milliseconds(100);
  // Shortest time between two rebirth requests to one edge node.
  int64_t rebirth_interval_ms = 5000;
};

class MqttSource : public KpiSource {
 public:
  MqttSource(std::string name, MqttSourcePlan plan, MqttSourceOptions options);
  ~MqttSource() override;

  absl::Status Start() override;
  void Stop() override;
  SourceWindow TakeWindow(const ReportWindow& window) override;

  // One connection check (connects when due); what the source's thread runs.
  void MaintainConnection();
  // Rebirth requests published so far.
  uint64_t rebirth_requests() const;
  // Messages taken from the shop-floor broker so far (after Start).
  uint64_t messages_received() const;

 private:
  // A binding with what it accumulated.
  struct Bound {
    v1::MqttBinding config;
    BindingFigure figure;
  };
  using NodeKey = std::pair<std::string, std::string>;  // group, edge node

  absl::Status OnConnected();
  void OnLost();
  void OnMessage(MqttMessage message);
  // Applies one Sparkplug message; adds to `rebirths` the requests to send.
  void OnSparkplug(const SparkplugTopic& topic, const std::string& payload, int64_t now_ms,
                   std::vector<MqttMessage>* rebirths) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  SourceWindow Unknown(const std::string& reason) const;

  const std::string name_;
  const MqttSourcePlan plan_;
  MqttSourceOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::unique_ptr<MqttTransport> transport_;
  std::unique_ptr<BrokerConnection> connection_;
  std::unique_ptr<PollLoop> loop_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Bound> bound_ ABSL_GUARDED_BY(mu_);
  std::map<NodeKey, SparkplugNodeState> nodes_ ABSL_GUARDED_BY(mu_);
  uint64_t rebirth_requests_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t messages_received_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_MQTT_MQTT_SOURCE_H_
