#include "agent/agent_runtime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/platform/log.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

constexpr absl::Duration kStatusTimeout = absl::Seconds(5);
// Upper bound on how long the loop sleeps, so a stop request is seen promptly.
constexpr int64_t kMaxSleepMs = 200;
constexpr int64_t kDrainOnStopMs = 3000;
// How often the loop deletes acknowledged segments and persists the
// watermark (Spool::Tidy): often enough to bound the disk a replay holds,
// rarely enough to stay off the publishing path.
constexpr int64_t kTidyEveryMs = 500;

// Report field 7 (is_historical) as a varint "true". Appended to an encoded
// Report it sets the flag without decoding: for a scalar field the last value
// on the wire wins.
constexpr char kHistoricalMarker[] = {0x38, 0x01};

}  // namespace

AgentRuntime::AgentRuntime(const LoadedAgentConfig& loaded, Sampler* sampler, Spool* spool,
                           MqttTransport* transport, const Clock* clock, uint64_t session_id)
    : loaded_(loaded),
      sampler_(sampler),
      spool_(spool),
      transport_(transport),
      clock_(clock),
      session_id_(session_id),
      started_at_ms_(clock->NowMs()),
      topics_(loaded.config.topic_root()),
      report_topic_(topics_.ReportTopic(loaded.config.identity().factory_id(),
                                        loaded.config.identity().node_id())),
      status_topic_(topics_.StatusTopic(loaded.config.identity().factory_id(),
                                        loaded.config.identity().node_id())),
      connection_(loaded.config.broker(), transport, clock, session_id, ConnectionHooks()) {}

BrokerConnectionHooks AgentRuntime::ConnectionHooks() {
  BrokerConnectionHooks hooks;
  hooks.prepare = [this](MqttConnectOptions* options) {
    // A fresh Will per CONNECT (docs/design.md decision 5).
    options->will = MqttMessage{
        status_topic_, MakeStatus(v1::NodeStatus::OFFLINE, true).SerializeAsString(), 1, true};
  };
  hooks.on_connected = [this](const std::string& uri) { return OnConnected(uri); };
  hooks.on_lost = [this] { Wake(); };
  hooks.outage_note = "; reports are kept in the spool";
  return hooks;
}

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

void AgentRuntime::Wake() {
  absl::MutexLock lock(&wake_mu_);
  woken_ = true;
}

void AgentRuntime::SleepUnlessWoken(int64_t ms) {
  absl::MutexLock lock(&wake_mu_);
  wake_mu_.AwaitWithTimeout(absl::Condition(&woken_), absl::Milliseconds(ms));
  woken_ = false;
}

absl::Status AgentRuntime::OnConnected(const std::string& uri) {
  // Everything already spooled is a replay from now on.
  live_from_id_ = spool_->last_id() + 1;
  spool_->RewindUnacked();
  absl::Status announced = PublishAndWait(
      *transport_,
      MqttMessage{status_topic_, MakeStatus(v1::NodeStatus::ONLINE, false).SerializeAsString(), 1,
                  true},
      kStatusTimeout);
  if (!announced.ok()) LogWarning(absl::StrCat("online status: ", announced.message()));
  const SpoolStats spooled = spool_->stats();
  LogInfo(absl::StrCat("connected to ", uri, " as ", loaded_.config.broker().client_id(), "; ",
                       spooled.pending_records, " spooled reports to send, reporting every ",
                       loaded_.config.publish_interval_ms(), " ms"));
  return absl::OkStatus();
}

absl::Status AgentRuntime::SampleWindow(const ReportWindow& window) {
  v1::Report report = sampler_->Sample(window, session_id_);
  ++counters_.sampled;
  // Room is made first, so that the report's health counts what its own
  // arrival pushed out. The slack covers the health fields themselves.
  ASSIGN_OR_RETURN(const RoomMade room,
                   spool_->MakeRoom(report.ByteSizeLong() + kHealthSlackBytes));
  const SpoolStats& spooled = room.stats;
  if (const uint64_t dropped = room.dropped_full + room.dropped_expired; dropped > 0) {
    LogWarning(absl::StrCat("spool ", room.dropped_full > 0 ? "full" : "expiry", ": dropped ",
                            dropped, " oldest unsent report(s), ",
                            spooled.dropped_full + spooled.dropped_expired, " in total"));
  }
  v1::AgentHealth* health = report.mutable_health();
  health->set_spool_pending(spooled.pending_records + 1);
  health->set_spool_bytes(spooled.bytes);
  health->set_oldest_pending_age_ms(
      spooled.oldest_pending_ms == 0 ? 0 : clock_->NowMs() - spooled.oldest_pending_ms);
  health->set_dropped_full(spooled.dropped_full);
  health->set_dropped_expired(spooled.dropped_expired);
  health->set_discarded_corrupt(spooled.discarded_corrupt);
  health->set_discarded_torn(spooled.discarded_torn);
  health->set_reconnects(connection_.connects() > 0 ? connection_.connects() - 1 : 0);
  return spool_->Append(window.sequence, report.SerializeAsString());
}

void AgentRuntime::Pump() {
  const uint32_t max_inflight = loaded_.config.spool().max_inflight();
  // Checked once per round, not per report: Paho takes its client-wide lock
  // for it. A report published just after the connection dropped fails and
  // is sent again after the reconnect.
  if (!transport_->IsConnected()) return;
  while (spool_->inflight() < max_inflight) {
    absl::StatusOr<std::optional<SpoolRecord>> next = spool_->Next();
    if (!next.ok()) {
      LogError(absl::StrCat("spool read: ", next.status().message()));
      return;
    }
    if (!next->has_value()) return;
    SpoolRecord& record = **next;
    if (record.id < live_from_id_) record.payload.append(kHistoricalMarker, 2);
    ++counters_.published;
    transport_->Publish(MqttMessage{report_topic_, std::move(record.payload), 1, false},
                        [this, id = record.id, max_inflight](absl::Status acked) {
                          size_t inflight = max_inflight;
                          if (acked.ok()) {
                            inflight = spool_->Ack(id);
                            ++counters_.acknowledged;
                          } else {
                            // Sent again after the next reconnect.
                            ++counters_.failed;
                          }
                          // The loop refills the window once half of it is
                          // free, not on every acknowledgement.
                          if (inflight <= max_inflight / 2) Wake();
                        });
  }
}

absl::Status AgentRuntime::Run(ShutdownSignal& stop) {
  const int64_t interval_ms = loaded_.config.publish_interval_ms();
  int64_t window_start = clock_->NowMs();
  int64_t next_tick = window_start + interval_ms;
  uint64_t sequence = spool_->last_id();
  int64_t next_tidy_ms = 0;

  while (!stop.requested()) {
    const bool connected = connection_.Maintain();
    const int64_t now = clock_->NowMs();
    if (now >= next_tick) {
      // Windows stay contiguous: after a stall of more than a window (a
      // suspended box, a slow connect) one longer window covers the time
      // instead of a burst of empty ones or a gap.
      const int64_t window_end = now >= next_tick + interval_ms ? now : next_tick;
      absl::Status sampled = SampleWindow(ReportWindow{window_start, window_end, ++sequence});
      if (!sampled.ok()) LogError(absl::StrCat("spool append: ", sampled.message()));
      window_start = window_end;
      next_tick = window_end + interval_ms;
    }
    Pump();
    if (now >= next_tidy_ms) {
      if (absl::Status tidied = spool_->Tidy(); !tidied.ok()) {
        LogError(absl::StrCat("spool: ", tidied.message()));
      }
      next_tidy_ms = now + kTidyEveryMs;
    }
    int64_t wake_at = next_tick;
    if (!connected) wake_at = std::min(wake_at, connection_.next_attempt_ms());
    const int64_t sleep_ms = std::clamp<int64_t>(wake_at - clock_->NowMs(), 0, kMaxSleepMs);
    SleepUnlessWoken(sleep_ms);
  }

  // A clean stop first gives what is in flight or spooled a moment to be
  // acknowledged; the rest stays in the spool for the next start.
  const int64_t drain_until = clock_->NowMs() + kDrainOnStopMs;
  while (transport_->IsConnected() && spool_->stats().pending_records > 0 &&
         clock_->NowMs() < drain_until) {
    Pump();
    SleepUnlessWoken(50);
  }
  if (transport_->IsConnected()) {
    absl::Status said = PublishAndWait(
        *transport_,
        MqttMessage{status_topic_, MakeStatus(v1::NodeStatus::OFFLINE, false).SerializeAsString(),
                    1, true},
        kStatusTimeout);
    if (!said.ok()) LogWarning(absl::StrCat("offline status: ", said.message()));
    (void)transport_->Disconnect(absl::Seconds(2));
  }
  absl::Status flushed = spool_->Close();
  if (!flushed.ok()) LogError(absl::StrCat("spool flush: ", flushed.message()));
  const SpoolStats spooled = spool_->stats();
  LogInfo(absl::StrCat("stopped: ", counters_.sampled.load(), " reports sampled, ",
                       counters_.acknowledged.load(), " acknowledged, ", counters_.failed.load(),
                       " failed, ", spooled.pending_records, " left in the spool, last sequence ",
                       spool_->last_id()));
  return flushed;
}

}  // namespace ftel
