// ftel-aggregator: computes AI penetration rates from agents' reports.
//
//   ftel-aggregator --config /etc/ftel/aggregator.yaml
#include <cstdio>
#include <cstring>
#include <string>

#include "aggregator/aggregator_config.h"
#include "aggregator/aggregator_service.h"
#include "libftel/clock.h"
#include "libftel/log.h"
#include "libftel/paho_mqtt_transport.h"
#include "libftel/shutdown_signal.h"

namespace {

constexpr char kUsage[] =
    "usage: ftel-aggregator --config FILE\n"
    "       ftel-aggregator --version\n";

}  // namespace

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::Install();
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_path = argv[++i];
    } else if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("ftel-aggregator %s\n", FTEL_VERSION);
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
  absl::StatusOr<ftel::LoadedAggregatorConfig> loaded = ftel::LoadAggregatorConfig(config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftel-aggregator: invalid config:\n%s\n",
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<ftel::MqttTransport> transport = ftel::NewPahoMqttTransport(
      loaded->config.broker().uri(), loaded->config.broker().client_id());
  ftel::SystemClock clock;
  ftel::AggregatorService service(*loaded, transport.get(), &clock);
  absl::Status result = service.Run(stop);
  if (!result.ok()) {
    ftel::LogError(result.ToString());
    return 1;
  }
  return 0;
}
