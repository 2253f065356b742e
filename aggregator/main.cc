// ftel-aggregator: computes AI penetration rates from agents' reports.
//
//   ftel-aggregator --config /etc/ftel/aggregator.yaml
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "aggregator/aggregator_config.h"
#include "aggregator/aggregator_service.h"
#include "aggregator/outputs/http_endpoint.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "aggregator/state/state_store.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/daemon_args.h"
#include "libftel/platform/log.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/platform/systemd_notify.h"

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::Install();
  std::string config_path;
  if (std::optional<int> exit_code =
          ftel::ParseDaemonArgs(argc, argv, "ftel-aggregator", &config_path)) {
    return *exit_code;
  }
  absl::StatusOr<ftel::LoadedAggregatorConfig> loaded = ftel::LoadAggregatorConfig(config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ftel-aggregator: invalid config:\n%s\n",
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  ftel::ApplyAggregatorLogLevel(*loaded);
  std::unique_ptr<ftel::MqttTransport> transport = ftel::NewPahoMqttTransport(
      loaded->config.broker().uri(), loaded->config.broker().client_id());
  absl::StatusOr<std::unique_ptr<ftel::StateStore>> store =
      ftel::StateStore::Open(loaded->config.state_file());
  if (!store.ok()) {
    std::fprintf(stderr, "ftel-aggregator: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  ftel::SystemClock clock;
  ftel::AggregatorMetrics metrics;
  ftel::AggregatorService service(*loaded, transport.get(), &clock, store->get(), &metrics);
  absl::StatusOr<size_t> restored = (*store)->Load(&service.state());
  if (!restored.ok()) {
    std::fprintf(stderr, "ftel-aggregator: %s\n", std::string(restored.status().message()).c_str());
    return 1;
  }
  service.state().TakeChanged();
  ftel::LogInfo(absl::StrCat("ftel-aggregator ", FTEL_VERSION, ": restored ", *restored,
                             " nodes from ", loaded->config.state_file()));
  ftel::HttpEndpoint http;
  if (loaded->config.http_listen() != "off") {
    absl::Status listening = http.Start(loaded->config.http_listen(), [&](const std::string& path) {
      if (path == "/metrics") {
        return ftel::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                                  metrics.ExpositionText()};
      }
      if (path == "/healthz") {
        std::string detail;
        const bool healthy = service.Healthy(&detail);
        return ftel::HttpResponse{healthy ? 200 : 503, "application/json", detail + "\n"};
      }
      return ftel::HttpResponse{404, "text/plain; charset=utf-8", "try /metrics or /healthz\n"};
    });
    if (!listening.ok()) {
      std::fprintf(stderr, "ftel-aggregator: %s\n", std::string(listening.message()).c_str());
      return 1;
    }
    ftel::LogInfo(absl::StrCat(
        "serving /metrics and /healthz on http://",
        loaded->config.http_listen().substr(0, loaded->config.http_listen().rfind(':')), ":",
        http.port()));
  }
  // Serving from here: the state is loaded and /metrics and /healthz answer.
  ftel::NotifyReady(absl::StrCat(
      "restored ", *restored, " nodes",
      loaded->config.http_listen() == "off" ? "" : absl::StrCat("; HTTP on port ", http.port())));
  absl::Status result = service.Run(stop);
  http.Stop();
  transport.reset();  // no Paho callback may run after this point
  if (!result.ok()) {
    ftel::LogError(result.ToString());
    return 1;
  }
  return 0;
}
