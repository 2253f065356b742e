#include "agent/agent_runtime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "agent/health_file.h"
#include "agent/window_scheduler.h"
#include "ftel/v1/commit.pb.h"
#include "libftel/mqtt/connect_options.h"
#include "libftel/platform/log.h"
#include "libftel/platform/status_macros.h"
#include "libftel/platform/systemd_notify.h"

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
// How often the health file (health_file.h) is written.
constexpr int64_t kHealthEveryMs = 5000;

// Report field 7 (is_historical) as a varint "true". Appended to an encoded
// Report it sets the flag without decoding: for a scalar field the last value
// on the wire wins.
constexpr char kHistoricalMarker[] = {0x38, 0x01};

}  // namespace

AgentRuntime::AgentRuntime(const LoadedAgentConfig& loaded, Sampler* sampler, Spool* spool,
                           MqttTransport* transport, const Clock* clock,
                           std::vector<SessionStart> sessions, const ClockSyncCheck* sync_check)
    : loaded_(&loaded),
      sampler_(sampler),
      identity_(loaded.config.identity()),
      spool_(spool),
      transport_(transport),
      clock_(clock),
      sessions_(std::move(sessions)),
      sync_check_(sync_check),
      clock_hold_(static_cast<int64_t>(loaded.config.clock().max_hold_s()) * 1000),
      session_id_(sessions_.back().session_id),
      started_at_ms_(clock->NowMs()),
      topics_(loaded.config.topic_root()),
      report_topic_(topics_.ReportTopic(loaded.config.identity().factory_id(),
                                        loaded.config.identity().node_id())),
      status_topic_(topics_.StatusTopic(loaded.config.identity().factory_id(),
                                        loaded.config.identity().node_id())),
      commit_topic_(topics_.CommitTopic(loaded.config.identity().factory_id(),
                                        loaded.config.identity().node_id())),
      connection_(loaded.config.broker(), transport, clock, session_id_, ConnectionHooks()) {
  transport_->SetMessageHandler([this](MqttMessage message) { OnCommit(message); });
}

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
  *status.mutable_identity() = loaded_->config.identity();
  status.set_state(state);
  status.set_agent_version(kAgentVersion);
  status.set_catalogue_version(loaded_->catalogue.version());
  status.set_config_hash(loaded_->config_hash);
  status.set_started_at_ms(started_at_ms_);
  status.set_session_id(session_id_);
  status.set_is_last_will(is_last_will);
  return status;
}

void AgentRuntime::Wake() { wake_.Ring(); }

void AgentRuntime::SleepUnlessWoken(int64_t ms) { wake_.WaitFor(absl::Milliseconds(ms)); }

absl::Status AgentRuntime::OnConnected(const std::string& uri) {
  // The retained commit comes at once: what the aggregator applied while
  // the agent was away is not sent again.
  if (absl::Status subscribed = transport_->Subscribe(commit_topic_, 1); !subscribed.ok()) {
    if (subscribed.code() != absl::StatusCode::kPermissionDenied) return subscribed;
    // Reports still flow; they stay spooled until the spool bound drops them.
    LogWarning(absl::StrCat(subscribed.message(), ": no commits can reach this agent, so its ",
                            "reports stay spooled; grant it read on ", commit_topic_,
                            " (docs/security.md)"));
  }
  // Everything already spooled is a replay from now on, and everything
  // uncommitted is sent again: the broker's acknowledgement was not enough.
  ++generation_;
  awaiting_puback_ = 0;
  connected_at_monotonic_ms_ = clock_->MonotonicMs();
  live_from_id_ = spool_->last_id() + 1;
  spool_->RewindUnacked();
  absl::Status announced = PublishAndWait(
      *transport_,
      MqttMessage{status_topic_, MakeStatus(v1::NodeStatus::ONLINE, false).SerializeAsString(), 1,
                  true},
      kStatusTimeout);
  if (!announced.ok()) LogWarning(absl::StrCat("online status: ", announced.message()));
  const SpoolStats spooled = spool_->stats();
  LogInfo(absl::StrCat("connected to ", uri, " as ", loaded_->config.broker().client_id(), "; ",
                       spooled.pending_records, " spooled reports to send, reporting every ",
                       loaded_->config.publish_interval_ms(), " ms"));
  return absl::OkStatus();
}

absl::Status AgentRuntime::SampleWindow(const ReportWindow& window) {
  ++counters_.sampled;
  return AppendReport(sampler_->Sample(window, session_id_));
}

void AgentRuntime::CloseWindow(const ReportWindow& window, int64_t window_line_ms,
                               int64_t current_line_ms) {
  ++counters_.sampled;
  v1::Report report = sampler_->Sample(window, session_id_);
  if (sync_check_ == nullptr) {  // the wall clock is trusted
    absl::Status appended = AppendReport(std::move(report));
    if (!appended.ok()) LogError(absl::StrCat("spool append: ", appended.message()));
    return;
  }
  // Every window passes through the hold, so that one closed on an old
  // time line (at NTP's step) is moved to the new one like the held ones.
  const bool was_holding = clock_hold_.held() > 0;
  clock_hold_.Add(std::move(report), window_line_ms, clock_->MonotonicMs());
  ReleaseHeld(current_line_ms);
  if (!was_holding && clock_hold_.held() > 0) {
    LogWarning(absl::StrCat("the wall clock is not synchronised (clock.sync_check): holding ",
                            "windows until it is, at most ", loaded_->config.clock().max_hold_s(),
                            " s"));
  }
}

void AgentRuntime::ReleaseHeld(int64_t current_line_ms) {
  const bool had_given_up = clock_hold_.gave_up();
  const size_t held = clock_hold_.held();
  std::vector<v1::Report> released =
      clock_hold_.Release(sync_check_->Synchronized(), current_line_ms, clock_->MonotonicMs());
  if (released.empty()) return;
  if (held > 1 && !clock_hold_.gave_up()) {
    LogInfo(absl::StrCat(released.size(),
                         " held window(s) stamped and spooled now that the clock is synchronised"));
  } else if (clock_hold_.gave_up() && !had_given_up) {
    LogWarning(absl::StrCat(released.size(), " held window(s) spooled, flagged: the clock is ",
                            "still not synchronised; later windows are flagged until it is"));
  }
  AppendAll(std::move(released));
}

void AgentRuntime::AppendAll(std::vector<v1::Report> reports) {
  for (v1::Report& report : reports) {
    absl::Status appended = AppendReport(std::move(report));
    if (!appended.ok()) LogError(absl::StrCat("spool append: ", appended.message()));
  }
}

absl::Status AgentRuntime::AppendReport(v1::Report report) {
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
  if (room.dropped_unconfirmed > 0) {
    LogWarning(absl::StrCat("spool full or expired: dropped ", room.dropped_unconfirmed,
                            " oldest report(s) the broker had acknowledged but no aggregator "
                            "committed yet, ",
                            spooled.dropped_unconfirmed, " in total"));
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
  health->set_dropped_unconfirmed(spooled.dropped_unconfirmed);
  health->set_dropped_disk_full(spooled.dropped_disk_full);
  report.set_uncommitted_from(
      std::max(sessions_.back().first_sequence, spool_->acknowledged_through() + 1));
  absl::Status appended = spool_->Append(report.sequence(), report.SerializeAsString());
  if (const uint64_t disk_full = spool_->stats().dropped_disk_full;
      disk_full > spooled.dropped_disk_full) {
    LogWarning(absl::StrCat("disk full under the spool: ", disk_full - spooled.dropped_disk_full,
                            " report(s) dropped (the oldest, or this one when nothing older is "
                            "left to drop), ",
                            disk_full, " in total"));
  }
  return appended;
}

void AgentRuntime::OnCommit(const MqttMessage& message) {
  if (message.topic != commit_topic_) return;
  v1::NodeCommit commit;
  if (!commit.ParseFromString(message.payload)) {
    LogWarning(absl::StrCat("ignored a commit on ", message.topic, ": not a ftel.v1.NodeCommit"));
    return;
  }
  if (commit.schema_version() != 1) {
    LogWarning(absl::StrCat("ignored a commit on ", message.topic, ": schema_version ",
                            commit.schema_version()));
    return;
  }
  // identity_, not loaded_: this runs on the transport's thread, and a
  // reload may swap the config meanwhile (the identity cannot change).
  if (commit.identity().factory_id() != identity_.factory_id() ||
      commit.identity().node_id() != identity_.node_id()) {
    LogWarning(absl::StrCat("ignored a commit on ", message.topic, ": it names ",
                            commit.identity().factory_id(), "/", commit.identity().node_id()));
    return;
  }
  {
    absl::MutexLock lock(&commits_mu_);
    for (const v1::SessionCommit& session : commit.sessions()) {
      uint64_t& through = commits_[session.session_id()];
      // Members of a group may lag each other: a commit never goes back.
      if (session.through_sequence() > through) {
        through = session.through_sequence();
        commits_changed_ = true;
      }
      // A gap shows in applied_above alone: it counts as a change too.
      uint64_t& above = applied_above_[session.session_id()];
      if (session.applied_above() != above) {
        above = session.applied_above();
        commits_changed_ = true;
      }
    }
  }
  Wake();
}

void AgentRuntime::ApplyCommits(int64_t now_ms) {
  // A gap that closes by itself (reports of a group's members crossing)
  // is left alone; one that stands this long was lost on the way.
  constexpr int64_t kFirstGapWaitMs = 5000;
  constexpr int64_t kMaxGapWaitMs = 300000;
  std::map<uint64_t, uint64_t> commits;
  std::map<uint64_t, uint64_t> applied_above;
  bool changed;
  {
    // Copied out (a few sessions), so that Paho's thread never waits on the
    // spool's disk reads below.
    absl::MutexLock lock(&commits_mu_);
    changed = commits_changed_;
    commits_changed_ = false;
    if (changed) {
      commits = commits_;
      applied_above = applied_above_;
    }
  }
  if (changed) {
    // Committing may leave an older session with nothing held, which lets
    // the next session's commit count: again until it stands still.
    for (;;) {
      const uint64_t held = spool_->acknowledged_through();
      uint64_t through = SpoolWatermarkFromCommits(sessions_, commits, held + 1);
      if (through > spool_->last_id()) {
        LogWarning(absl::StrCat("a commit through ", through, " is beyond the last report, ",
                                spool_->last_id(), ": taken only that far"));
        through = spool_->last_id();
      }
      if (through <= held) break;
      spool_->Commit(through);
      gap_since_ms_ = 0;  // it moved
      gap_wait_ms_ = kFirstGapWaitMs;
      if (spool_->acknowledged_through() <= held) break;  // a read error: no progress
    }
    commit_gap_ =
        CommitsShowAGap(sessions_, commits, applied_above, spool_->acknowledged_through() + 1);
  }
  if (!commit_gap_ || !transport_->IsConnected()) {
    gap_since_ms_ = 0;
    return;
  }
  if (gap_since_ms_ == 0) {
    gap_since_ms_ = now_ms;
    if (gap_wait_ms_ == 0) gap_wait_ms_ = kFirstGapWaitMs;
    return;
  }
  if (now_ms - gap_since_ms_ < gap_wait_ms_) return;
  LogInfo(absl::StrCat("the aggregator's commit stands at ", spool_->acknowledged_through(),
                       " with later reports applied: sending the uncommitted reports again"));
  live_from_id_ = spool_->last_id() + 1;
  spool_->RewindUnacked();
  gap_since_ms_ = now_ms;
  gap_wait_ms_ = std::min(gap_wait_ms_ * 2, kMaxGapWaitMs);
}

void AgentRuntime::WarnIfCommitsLag(const ClockReading& now) {
  constexpr int64_t kLagMs = 120 * 1000;
  constexpr int64_t kEveryMs = 600 * 1000;
  const SpoolStats spooled = spool_->stats();
  if (!transport_->IsConnected() || spooled.oldest_pending_ms == 0) return;
  // Counted from the connection: what waited out an outage is not late yet.
  // The report's age is on the wall clock (it may come from an earlier
  // run), the connection's on the monotonic one: a step of the wall clock
  // alone does not make reports look late.
  const int64_t age_ms = std::min(now.wall_ms - spooled.oldest_pending_ms,
                                  now.monotonic_ms - connected_at_monotonic_ms_);
  if (age_ms < kLagMs + 2 * loaded_->config.publish_interval_ms()) return;
  if (last_lag_warning_ms_ != 0 && now.monotonic_ms - last_lag_warning_ms_ < kEveryMs) return;
  last_lag_warning_ms_ = now.monotonic_ms;
  LogWarning(absl::StrCat(spooled.pending_records, " report(s) uncommitted, the oldest for ",
                          age_ms / 1000, " s since connecting: is an aggregator running, and may ",
                          "this node publish its reports (broker ACL)?"));
}

void AgentRuntime::WriteLiveness(bool connected) {
  const int64_t now_ms = clock_->NowMs();
  if (connected) {
    disconnected_since_ms_ = 0;
  } else if (disconnected_since_ms_ == 0) {
    disconnected_since_ms_ = now_ms;
  }
  AgentLiveness health;
  health.updated_ms = now_ms;
  health.connected = connected;
  health.disconnected_since_ms = disconnected_since_ms_;
  health.spool_pending = spool_->stats().pending_records;
  health.sampled = counters_.sampled;
  health.acknowledged = counters_.acknowledged;
  health.publish_interval_ms = loaded_->config.publish_interval_ms();
  const std::string path = loaded_->config.spool().dir() + "/" + kHealthFileName;
  if (absl::Status written = WriteHealthFile(path, health); !written.ok() && !health_warned_) {
    health_warned_ = true;  // once: a read-only disk says so elsewhere too
    LogWarning(absl::StrCat("health file: ", written.message()));
  }
}

void AgentRuntime::Pump() {
  const uint32_t max_inflight = loaded_->config.spool().max_inflight();
  // Checked once per round, not per report: Paho takes its client-wide lock
  // for it. A report published just after the connection dropped fails and
  // is sent again after the reconnect.
  if (!transport_->IsConnected()) return;
  const uint64_t generation = generation_;
  while (awaiting_puback_ < static_cast<int64_t>(max_inflight)) {
    absl::StatusOr<std::optional<SpoolRecord>> next = spool_->Next();
    if (!next.ok()) {
      LogError(absl::StrCat("spool read: ", next.status().message()));
      return;
    }
    if (!next->has_value()) return;
    SpoolRecord& record = **next;
    if (record.id < live_from_id_) record.payload.append(kHistoricalMarker, 2);
    ++counters_.published;
    ++awaiting_puback_;
    transport_->Publish(MqttMessage{report_topic_, std::move(record.payload), 1, false},
                        [this, id = record.id, generation, max_inflight](absl::Status acked) {
                          // Either way the report stays spooled until a
                          // commit covers it; a failed one is sent again
                          // after the next reconnect.
                          if (acked.ok()) {
                            spool_->Published(id);
                            ++counters_.acknowledged;
                          } else {
                            ++counters_.failed;
                          }
                          if (generation != generation_) return;  // an earlier connection
                          const int64_t inflight = --awaiting_puback_;
                          // The loop refills the window once half of it is
                          // free, not on every acknowledgement.
                          if (inflight <= static_cast<int64_t>(max_inflight / 2)) Wake();
                        });
  }
}

void AgentRuntime::PrepareReload() {
  absl::StatusOr<AgentReload> next = PrepareAgentReload(*loaded_);
  if (next.ok() && next->loaded->config_hash == loaded_->config_hash &&
      next->loaded->catalogue.version() == loaded_->catalogue.version()) {
    LogInfo(absl::StrCat("config reload: ", loaded_->path, " is unchanged; nothing to reload"));
    return;
  }
  if (!next.ok()) {
    LogError(absl::StrCat("config reload refused, still running the previous config:\n",
                          next.status().message()));
    return;
  }
  LogInfo(absl::StrCat("config reload: ", loaded_->path,
                       " checked; it takes effect when the current window closes"));
  pending_reload_ = *std::move(next);
}

void AgentRuntime::ApplyReload(const WindowScheduler::Window& closed, WindowScheduler* windows) {
  AgentReload next = *std::move(pending_reload_);
  pending_reload_.reset();
  NotifyReloading();
  const int kept = next.sampler->TakeOverSources(*sampler_);
  if (absl::Status started = next.sampler->Start(); !started.ok()) {
    next.sampler->Stop();
    sampler_->TakeOverSources(*next.sampler);  // the unchanged ones go back
    LogError(absl::StrCat("config reload refused, still running the previous config: ", "sources: ",
                          started.message()));
    NotifyReady("the config reload was refused; running the previous config");
    return;
  }
  sampler_->Stop();  // the sources that changed or went
  const int64_t old_interval_ms = loaded_->config.publish_interval_ms();
  reloaded_sampler_ = std::move(next.sampler);
  reloaded_config_ = std::move(next.loaded);
  sampler_ = reloaded_sampler_.get();
  loaded_ = reloaded_config_.get();
  ApplyAgentLogLevel(*loaded_);
  const int64_t interval_ms = loaded_->config.publish_interval_ms();
  if (interval_ms != old_interval_ms) {
    // The next window starts where the last one ended, on the same line.
    *windows = WindowScheduler(interval_ms, closed.end_ms, closed.end_ms - closed.line_offset_ms);
  }
  LogInfo(absl::StrCat("config reloaded from ", loaded_->path, " (", loaded_->config_hash,
                       "): ", loaded_->config.scenarios_size(), " scenarios, ",
                       loaded_->config.sources_size(), " sources (", kept,
                       " kept running), reporting every ", interval_ms, " ms"));
  NotifyReady(absl::StrCat("reporting every ", interval_ms, " ms (config reloaded)"));
  if (transport_->IsConnected()) {  // the status carries the config's hash
    absl::Status announced = PublishAndWait(
        *transport_,
        MqttMessage{status_topic_, MakeStatus(v1::NodeStatus::ONLINE, false).SerializeAsString(), 1,
                    true},
        kStatusTimeout);
    if (!announced.ok()) LogWarning(absl::StrCat("online status: ", announced.message()));
  }
}

absl::Status AgentRuntime::Run(ShutdownSignal& stop) {
  // Windows and timers run on the monotonic clock; reports are stamped with
  // the wall clock (docs/design.md decision 11).
  const ClockReading start = ReadClocks(*clock_);
  WindowScheduler windows(loaded_->config.publish_interval_ms(), start.wall_ms, start.monotonic_ms);
  uint64_t sequence = spool_->last_id();
  int64_t next_tidy_ms = 0;
  int64_t next_health_ms = 0;

  LoopWatchdog watchdog(clock_);  // systemd's WatchdogSec=, fed once per turn
  while (!stop.requested()) {
    watchdog.Turned();
    const bool connected = connection_.Maintain();
    // A loop that fell behind (a slow connect) catches up window by window.
    const ClockReading clocks = ReadClocks(*clock_);
    while (std::optional<WindowScheduler::Window> closed =
               windows.Poll(clocks.wall_ms, clocks.monotonic_ms)) {
      if (closed->clock_stepped) {
        LogWarning(absl::StrCat("the wall clock stepped by ", closed->step_ms / 1000.0,
                                " s: the window closes at the step and is flagged"));
      }
      CloseWindow(ReportWindow{closed->start_ms, closed->end_ms, ++sequence, closed->clock_stepped},
                  closed->line_offset_ms, windows.line_offset_ms());
      // A checked reload takes effect between two windows: the one that
      // closed was the old config's, the next is the new one's.
      if (pending_reload_.has_value()) ApplyReload(*closed, &windows);
    }
    if (stop.TakeReload()) PrepareReload();
    // The clock may be synchronised between two windows.
    if (clock_hold_.held() > 0) ReleaseHeld(windows.line_offset_ms());
    const int64_t monotonic_now = clock_->MonotonicMs();
    ApplyCommits(monotonic_now);
    Pump();
    if (monotonic_now >= next_tidy_ms) {
      if (absl::Status tidied = spool_->Tidy(); !tidied.ok()) {
        LogError(absl::StrCat("spool: ", tidied.message()));
      }
      WarnIfCommitsLag(ReadClocks(*clock_));
      next_tidy_ms = monotonic_now + kTidyEveryMs;
    }
    if (monotonic_now >= next_health_ms) {
      WriteLiveness(connected);
      next_health_ms = monotonic_now + kHealthEveryMs;
    }
    int64_t wake_at = windows.next_close_monotonic_ms();
    if (!connected) wake_at = std::min(wake_at, connection_.next_attempt_ms());
    const int64_t sleep_ms = std::clamp<int64_t>(wake_at - clock_->MonotonicMs(), 0, kMaxSleepMs);
    SleepUnlessWoken(sleep_ms);
  }
  NotifyStopping();  // what follows is the stop, not a stuck loop

  // Held windows go out with the times the clock gives: flagged, not lost.
  AppendAll(clock_hold_.ReleaseAll(windows.line_offset_ms(), clock_->MonotonicMs()));
  // A clean stop first gives what is in flight or spooled a moment to be
  // committed; the rest stays in the spool for the next start.
  const int64_t drain_until = clock_->MonotonicMs() + kDrainOnStopMs;
  while (transport_->IsConnected() && spool_->stats().pending_records > 0 &&
         clock_->MonotonicMs() < drain_until) {
    ApplyCommits(clock_->MonotonicMs());
    Pump();
    SleepUnlessWoken(50);
  }
  ApplyCommits(clock_->MonotonicMs());
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
