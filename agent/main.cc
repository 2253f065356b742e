// ftel-agent: publishes a factory's scenario coverage and production KPIs.
//
//   ftel-agent --config /etc/ftel/agent.yaml
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/agent_config.h"
#include "agent/agent_runtime.h"
#include "agent/sampler.h"
#include "libftel/clock.h"
#include "libftel/log.h"
#include "libftel/paho_mqtt_transport.h"
#include "libftel/shutdown_signal.h"

namespace {

constexpr char kUsage[] =
    "usage: ftel-agent --config FILE\n"
    "       ftel-agent --version\n";

uint64_t NewSessionId() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::Install();
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_path = argv[++i];
    } else if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("ftel-agent %s\n", FTEL_VERSION);
      return 0;
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  absl::StatusOr<ftel::LoadedAgentConfig> loaded = ftel::LoadAgentConfig(config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftel-agent: invalid config:\n%s\n",
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<ftel::Sampler>> sampler = ftel::Sampler::Create(*loaded);
  if (!sampler.ok()) {
    std::fprintf(stderr, "ftel-agent: %s\n", std::string(sampler.status().message()).c_str());
    return 2;
  }
  const uint64_t session_id = NewSessionId();
  ftel::LogInfo(absl::StrCat("ftel-agent ", ftel::kAgentVersion, " factory ",
                             loaded->config.identity().factory_id(), " node ",
                             loaded->config.identity().node_id(), " session ",
                             absl::Hex(session_id, absl::kZeroPad16)));
  std::unique_ptr<ftel::MqttTransport> transport = ftel::NewPahoMqttTransport(
      loaded->config.broker().uri(), loaded->config.broker().client_id());
  ftel::SystemClock clock;
  ftel::AgentRuntime runtime(*loaded, sampler->get(), transport.get(), &clock, session_id);
  absl::Status result = runtime.Run(stop);
  if (!result.ok()) {
    ftel::LogError(result.ToString());
    return 1;
  }
  return 0;
}
