// ftel-aggregator: computes AI penetration rates from agents' reports.
//
//   ftel-aggregator --config /etc/ftel/aggregator.yaml
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "aggregator/aggregator_config.h"
#include "aggregator/aggregator_service.h"
#include "aggregator/config_reload.h"
#include "aggregator/input/message_inbox.h"
#include "aggregator/outputs/http_endpoint.h"
#include "aggregator/outputs/metrics_exporter.h"
#include "aggregator/state/state_store.h"
#include "google/protobuf/util/message_differencer.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/daemon_args.h"
#include "libftel/platform/log.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/platform/systemd_notify.h"

namespace {

// The service now running, for the HTTP thread; null while a reload swaps it.
class CurrentService {
 public:
  void Set(ftel::AggregatorService* service) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    service_ = service;
  }
  bool Healthy(std::string* detail) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (service_ == nullptr) {
      *detail = R"({"healthy":false,"detail":"reloading the config"})";
      return false;
    }
    return service_->Healthy(detail);
  }

 private:
  absl::Mutex mu_;
  ftel::AggregatorService* service_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  ftel::ShutdownSignal& stop = ftel::ShutdownSignal::InstallWithReload();
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
  // Declared before the transport, whose thread uses them until it goes.
  ftel::SystemClock clock;
  // One inbox for every service: a reload keeps the connection, and what
  // arrives while it swaps the services waits here for the next one.
  ftel::MessageInbox inbox;
  std::unique_ptr<ftel::MqttTransport> transport = ftel::NewPahoMqttTransport(
      loaded->config.broker().uri(), loaded->config.broker().client_id());
  transport->SetMessageHandler(
      [&](ftel::MqttMessage message) { inbox.Push(std::move(message), clock.NowMs()); });
  absl::StatusOr<std::unique_ptr<ftel::StateStore>> store =
      ftel::StateStore::Open(loaded->config.state_file());
  if (!store.ok()) {
    std::fprintf(stderr, "ftel-aggregator: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  ftel::AggregatorMetrics metrics;
  CurrentService current;
  ftel::HttpEndpoint http;
  if (loaded->config.http_listen() != "off") {
    absl::Status listening = http.Start(loaded->config.http_listen(), [&](const std::string& path) {
      if (path == "/metrics") {
        return ftel::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                                  metrics.ExpositionText()};
      }
      if (path == "/healthz") {
        std::string detail;
        const bool healthy = current.Healthy(&detail);
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
  // One service per config: a reload (SIGHUP) stops the running one, which
  // saves everything it took, and starts one with the new config from the
  // saved state, on the same connection and inbox.
  absl::Status result;
  ftel::AggregatorStats stats;
  for (bool first = true;; first = false) {
    auto service = std::make_unique<ftel::AggregatorService>(*loaded, transport.get(), &inbox,
                                                             &clock, store->get(), &metrics);
    absl::StatusOr<size_t> restored = (*store)->Load(&service->state());
    if (!restored.ok()) {
      std::fprintf(stderr, "ftel-aggregator: %s\n",
                   std::string(restored.status().message()).c_str());
      return 1;
    }
    service->state().TakeChanged();
    service->ContinueStats(stats);
    ftel::LogInfo(absl::StrCat(
        first ? absl::StrCat("ftel-aggregator ", FTEL_VERSION, ": ") : "config reloaded: ",
        "restored ", *restored, " nodes from ", loaded->config.state_file()));
    std::optional<ftel::LoadedAggregatorConfig> next;
    service->SetReloadCheck([&] {
      absl::StatusOr<ftel::LoadedAggregatorConfig> read = ftel::PrepareAggregatorReload(*loaded);
      if (!read.ok()) {
        ftel::LogError(absl::StrCat("config reload refused, still running the previous config:\n",
                                    read.status().message()));
        return false;
      }
      if (google::protobuf::util::MessageDifferencer::Equals(read->config, loaded->config) &&
          read->catalogue.version() == loaded->catalogue.version()) {
        ftel::LogInfo(
            absl::StrCat("config reload: ", loaded->path, " is unchanged; nothing to reload"));
        return false;
      }
      ftel::LogInfo(
          absl::StrCat("config reload: ", loaded->path, " checked; saving the state to apply it"));
      next = *std::move(read);
      return true;
    });
    current.Set(service.get());
    // Serving from here: the state is loaded and /metrics and /healthz
    // answer (again, after a reload).
    ftel::NotifyReady(absl::StrCat(
        "restored ", *restored, " nodes",
        loaded->config.http_listen() == "off" ? "" : absl::StrCat("; HTTP on port ", http.port())));
    result = service->Run(stop);
    current.Set(nullptr);
    stats = service->stats();
    if (!result.ok() || !service->reload_requested()) break;
    service.reset();  // settled by Run: no callback of it runs later
    loaded = *std::move(next);
    ftel::ApplyAggregatorLogLevel(*loaded);
  }
  http.Stop();
  transport.reset();  // no Paho callback may run after this point
  if (!result.ok()) {
    ftel::LogError(result.ToString());
    return 1;
  }
  return 0;
}
