// ftel-agent: publishes a factory's scenario coverage and production KPIs.
//
//   ftel-agent --config /etc/ftel/agent.yaml
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/agent_config.h"
#include "agent/agent_runtime.h"
#include "agent/node_session.h"
#include "agent/sampler.h"
#include "agent/spool/spool.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/daemon_args.h"
#include "libftel/platform/env.h"
#include "libftel/platform/log.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/platform/systemd_notify.h"

namespace {

int Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "ftel-agent: %s: %s\n", what, std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::InstallWithReload();
  std::string config_path;
  if (std::optional<int> exit_code =
          ftel::ParseDaemonArgs(argc, argv, "ftel-agent", &config_path)) {
    return *exit_code;
  }
  absl::StatusOr<ftel::LoadedAgentConfig> loaded = ftel::LoadAgentConfig(config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftel-agent: invalid config:\n%s\n",
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  ftel::ApplyAgentLogLevel(*loaded);
  absl::StatusOr<std::unique_ptr<ftel::Sampler>> sampler = ftel::Sampler::Create(*loaded);
  if (!sampler.ok()) {
    std::fprintf(stderr, "ftel-agent: %s\n", std::string(sampler.status().message()).c_str());
    return 2;
  }
  if (absl::Status fits = ftel::CheckReportFitsSpool(*loaded, **sampler); !fits.ok()) {
    std::fprintf(stderr, "ftel-agent: invalid config:\n%s\n", std::string(fits.message()).c_str());
    return 2;
  }
  ftel::Env* env = ftel::Env::Default();
  const std::string& state_dir = loaded->config.spool().dir();
  if (absl::Status made = env->CreateDirs(state_dir); !made.ok()) return Fail("spool", made);
  // Two agents sharing one spool would corrupt each other's state; the
  // second one is refused. Held until main returns, after the spool closed.
  absl::StatusOr<std::unique_ptr<ftel::FileLock>> lock = env->LockFile(state_dir + "/LOCK");
  if (!lock.ok()) {
    std::fprintf(stderr, "ftel-agent: cannot lock %s (is another agent using it?)\n",
                 std::string(lock.status().message()).c_str());
    return 1;
  }
  ftel::SystemClock clock;
  absl::StatusOr<std::unique_ptr<ftel::Spool>> spool =
      ftel::Spool::Open(env, &clock, ftel::SpoolOptionsFrom(loaded->config.spool()));
  if (!spool.ok()) return Fail("spool", spool.status());
  absl::StatusOr<uint64_t> session_id =
      ftel::LoadOrCreateSessionId(env, state_dir, ftel::NewRandomId);
  if (!session_id.ok()) return Fail("session", session_id.status());
  // Which spool ids belong to which session, for the aggregator's commits.
  // A session without a recorded start (a new state directory, or one from
  // before commits) owns the whole spool.
  absl::StatusOr<std::vector<ftel::SessionStart>> sessions =
      ftel::RecordSessionStart(env, state_dir, *session_id, (*spool)->last_id() + 1);
  if (sessions.ok() && !(*spool)->was_clean() && (*spool)->last_id() > 0 &&
      loaded->config.spool().fsync() != ftel::v1::SpoolConfig::ALWAYS) {
    // Without fsync per report, an unclean stop may have lost published
    // reports from disk; a new session keeps their sequence numbers unique.
    session_id = ftel::StartNewSession(env, state_dir, ftel::NewRandomId);
    ftel::LogWarning("unclean stop with spool fsync other than ALWAYS: starting a new session");
    if (!session_id.ok()) return Fail("session", session_id.status());
    sessions = ftel::RecordSessionStart(env, state_dir, *session_id, (*spool)->last_id() + 1);
  }
  if (!sessions.ok()) return Fail("session", sessions.status());
  const ftel::SpoolStats spooled = (*spool)->stats();
  ftel::LogInfo(absl::StrCat(
      "ftel-agent ", FTEL_VERSION, " factory ", loaded->config.identity().factory_id(), " node ",
      loaded->config.identity().node_id(), " session ", absl::Hex(*session_id, absl::kZeroPad16),
      "; spool ", state_dir, ": ", spooled.pending_records, " reports pending, last sequence ",
      (*spool)->last_id(), ", discarded ", spooled.discarded_corrupt, " corrupt region(s) and ",
      spooled.discarded_torn, " torn tail(s)"));
  std::unique_ptr<ftel::MqttTransport> transport = ftel::NewPahoMqttTransport(
      loaded->config.broker().uri(), loaded->config.broker().client_id());
  const std::unique_ptr<ftel::ClockSyncCheck> sync_check =
      ftel::ClockSyncCheckFrom(loaded->config.clock());
  ftel::AgentRuntime runtime(*loaded, sampler->get(), spool->get(), transport.get(), &clock,
                             *std::move(sessions), sync_check.get());
  if (absl::Status started = (*sampler)->Start(); !started.ok()) {
    (*sampler)->Stop();
    return Fail("sources", started);
  }
  // Serving from here: the spool is open, the sources run and the loop
  // starts at once. Not after the first connect: an edge box must come up
  // without its broker.
  ftel::NotifyReady(absl::StrCat("reporting every ", loaded->config.publish_interval_ms(),
                                 " ms as ", loaded->config.identity().factory_id(), "/",
                                 loaded->config.identity().node_id()));
  absl::Status result = runtime.Run(stop);
  runtime.sampler()->Stop();  // a reloaded config's, or the first one
  (*sampler)->Stop();
  transport.reset();  // no Paho callback may run after this point
  if (!result.ok()) {
    ftel::LogError(result.ToString());
    return 1;
  }
  return 0;
}
