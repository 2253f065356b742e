#include "agent/agent_runtime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libftel/broker_config_rules.h"
#include "libftel/log.h"

namespace ftel {
namespace {

constexpr absl::Duration kStatusTimeout = absl::Seconds(5);
constexpr absl::Duration kMaxBackoff = absl::Seconds(30);

}  // namespace

AgentRuntime::AgentRuntime(const LoadedAgentConfig& loaded, Sampler* sampler,
                           MqttTransport* transport, const Clock* clock, uint64_t session_id)
    : loaded_(loaded),
      sampler_(sampler),
      transport_(transport),
      clock_(clock),
      session_id_(session_id),
      started_at_ms_(clock->NowMs()),
      topics_(loaded.config.topic_root()) {}

v1::NodeStatus AgentRuntime::MakeStatus(v1::NodeStatus::State state, bool is_last_will) const {
  v1::NodeStatus status;
  status.set_schema_version(1);
  *status.mutable_identity() = loaded_.config.identity();
  status.set_state(state);
  status.set_agent_version(kAgentVersion);
  status.set_catalogue_version(loaded_.catalogue.version());
  status.set_config_hash(loaded_.config_hash);
  status.set_started_at_ms(started_at_ms_);
  status.set_session_id(session_id_);
  status.set_is_last_will(is_last_will);
  return status;
}

bool AgentRuntime::TryConnect() {
  const v1::AgentConfig& config = loaded_.config;
  const std::string status_topic =
      topics_.StatusTopic(config.identity().factory_id(), config.identity().node_id());
  MqttConnectOptions options = ConnectOptionsFrom(config.broker());
  // A fresh Will per CONNECT (DESIGN.md decision 5).
  options.will = MqttMessage{
      status_topic, MakeStatus(v1::NodeStatus::OFFLINE, true).SerializeAsString(), 1, true};
  absl::Status connected = transport_->Connect(options);
  if (!connected.ok()) {
    if (!warned_offline_) LogWarning(std::string(connected.message()));
    warned_offline_ = true;
    return false;
  }
  ++counters_.connects;
  warned_offline_ = false;
  absl::Status announced = PublishAndWait(
      *transport_,
      MqttMessage{status_topic, MakeStatus(v1::NodeStatus::ONLINE, false).SerializeAsString(), 1,
                  true},
      kStatusTimeout);
  if (!announced.ok()) LogWarning(absl::StrCat("online status: ", announced.message()));
  LogInfo(absl::StrCat("connected to ", config.broker().uri(), " as ", config.broker().client_id(),
                       ", reporting every ", config.publish_interval_ms(), " ms"));
  return true;
}

void AgentRuntime::PublishReport(const ReportWindow& window) {
  ++counters_.sampled;
  if (!transport_->IsConnected()) {
    // Until the disk spool lands (issue 4), a report sampled offline is lost;
    // it is counted so that the loss is visible.
    ++counters_.unsent;
    LogWarning(absl::StrCat("broker unreachable: report ", window.sequence, " not sent (",
                            counters_.unsent.load(), " unsent so far)"));
    return;
  }
  const v1::Report report = sampler_->Sample(window, session_id_);
  const v1::AgentConfig& config = loaded_.config;
  transport_->Publish(
      MqttMessage{topics_.ReportTopic(config.identity().factory_id(), config.identity().node_id()),
                  report.SerializeAsString(), 1, false},
      [this, seq = window.sequence](absl::Status acked) {
        if (acked.ok()) {
          ++counters_.acknowledged;
        } else {
          ++counters_.failed;
          LogWarning(absl::StrCat("report ", seq, ": ", acked.message()));
        }
      });
}

absl::Status AgentRuntime::Run(ShutdownSignal& stop) {
  const int64_t interval_ms = loaded_.config.publish_interval_ms();
  int64_t window_start = clock_->NowMs();
  int64_t next_tick = window_start + interval_ms;
  uint64_t sequence = 0;
  absl::Duration backoff = absl::Seconds(1);
  int64_t next_connect_ms = 0;
  transport_->SetConnectionLostHandler([](const std::string& cause) {
    LogWarning(absl::StrCat("broker connection lost: ", cause));
  });

  while (!stop.requested()) {
    int64_t now = clock_->NowMs();
    if (!transport_->IsConnected() && now >= next_connect_ms) {
      if (TryConnect()) {
        backoff = absl::Seconds(1);
      } else {
        next_connect_ms = clock_->NowMs() + absl::ToInt64Milliseconds(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
      now = clock_->NowMs();
    }
    int64_t wake = next_tick;
    if (!transport_->IsConnected()) wake = std::min(wake, next_connect_ms);
    if (wake > now && stop.WaitFor(absl::Milliseconds(wake - now))) break;
    now = clock_->NowMs();
    if (now < next_tick) continue;
    PublishReport(ReportWindow{window_start, next_tick, ++sequence});
    window_start = next_tick;
    next_tick += interval_ms;
    if (next_tick <= now) {
      // Suspended or stalled for more than a window: restart the grid at now
      // rather than emitting a burst of empty windows.
      window_start = now;
      next_tick = now + interval_ms;
    }
  }

  if (transport_->IsConnected()) {
    const v1::AgentConfig& config = loaded_.config;
    absl::Status said = PublishAndWait(
        *transport_,
        MqttMessage{
            topics_.StatusTopic(config.identity().factory_id(), config.identity().node_id()),
            MakeStatus(v1::NodeStatus::OFFLINE, false).SerializeAsString(), 1, true},
        kStatusTimeout);
    if (!said.ok()) LogWarning(absl::StrCat("offline status: ", said.message()));
    (void)transport_->Disconnect(absl::Seconds(2));
  }
  LogInfo(absl::StrCat("stopped: ", counters_.sampled.load(), " reports sampled, ",
                       counters_.acknowledged.load(), " acknowledged, ", counters_.failed.load(),
                       " failed, ", counters_.unsent.load(), " unsent"));
  return absl::OkStatus();
}

}  // namespace ftel
