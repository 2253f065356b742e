// ftel-plant-sim: a simulated plant for the demo and the tests. One process
// serves the demo factories' lines over Modbus TCP, their inference models'
// counters as Prometheus metrics (Triton and vLLM shaped), and one factory's
// line as a Sparkplug B edge node; see docs/plant-simulator.md.
//
//   ftel-plant-sim --modbus 127.0.0.1:1502 --metrics 127.0.0.1:9102
//       --sparkplug-broker tcp://127.0.0.1:1883 --group plant --edge-node tangshan-steel
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "aggregator/outputs/http_endpoint.h"
#include "libftel/platform/log.h"
#include "libftel/platform/shutdown_signal.h"
#include "tools/plant_sim/line_model.h"
#include "tools/plant_sim/metrics_page.h"
#include "tools/plant_sim/modbus_server.h"
#include "tools/plant_sim/sparkplug_node.h"

namespace ftel::plant_sim {
namespace {

constexpr char kUsage[] =
    "usage: ftel-plant-sim [--modbus HOST:PORT] [--metrics HOST:PORT]\n"
    "                      [--sparkplug-broker URI --group G --edge-node N\n"
    "                       [--sparkplug-factory FACTORY]] [--seed N] [--speed X]\n"
    "Simulates the demo factories' lines and inference models. --modbus serves\n"
    "the lines' registers (Modbus TCP); --metrics serves /metrics (Prometheus),\n"
    "/figures (what the model implies) and /control/modbus/{stop,start};\n"
    "--sparkplug-broker publishes FACTORY's lines (default tangshan-steel) as a\n"
    "Sparkplug B edge node. --seed (default 1) fixes the lines' figures and the\n"
    "models' rates; --speed (default 1) runs the scheduled (hourly) model jobs\n"
    "that many times faster.\n";

struct Flags {
  std::string modbus;
  std::string metrics;
  SparkplugOptions sparkplug{"", "plant", "tangshan-steel", "tangshan-steel"};
  uint64_t seed = 1;
  double speed = 1;
};

absl::Status ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return absl::CancelledError(kUsage);
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
    const std::string value = argv[++i];
    if (flag == "--modbus") {
      flags->modbus = value;
    } else if (flag == "--metrics") {
      flags->metrics = value;
    } else if (flag == "--sparkplug-broker") {
      flags->sparkplug.broker_uri = value;
    } else if (flag == "--group") {
      flags->sparkplug.group_id = value;
    } else if (flag == "--edge-node") {
      flags->sparkplug.edge_node_id = value;
    } else if (flag == "--sparkplug-factory") {
      flags->sparkplug.factory_id = value;
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value, &flags->seed)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--seed must be a number, got '", value, "'"));
      }
    } else if (flag == "--speed") {
      if (!absl::SimpleAtod(value, &flags->speed) || !(flags->speed > 0) || flags->speed > 1e6) {
        return absl::InvalidArgumentError(
            absl::StrCat("--speed must be a number above 0 and at most 1e6, got '", value, "'"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag, "\n", kUsage));
    }
  }
  if (flags->modbus.empty() && flags->metrics.empty() && flags->sparkplug.broker_uri.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("nothing to serve\n", kUsage));
  }
  return absl::OkStatus();
}

// The plant, shared by the ticking loop and the HTTP endpoint's thread.
class SharedPlant {
 public:
  SharedPlant(uint64_t seed, double speed) : plant_(seed, speed) {}

  void Tick(ModbusServer* modbus, SparkplugNode* sparkplug) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    plant_.Tick();
    Publish(modbus, sparkplug);
  }
  void Publish(ModbusServer* modbus, SparkplugNode* sparkplug) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (modbus != nullptr) modbus->Publish(plant_.lines());
    if (sparkplug != nullptr) sparkplug->Publish(plant_);
  }
  void PublishNow(ModbusServer* modbus, SparkplugNode* sparkplug) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    Publish(modbus, sparkplug);
  }
  std::string Metrics() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return MetricsPage(plant_.models());
  }
  std::string Figures() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return plant_.ImpliedFigures();
  }

 private:
  absl::Mutex mu_;
  PlantModel plant_ ABSL_GUARDED_BY(mu_);
};

HttpResponse Control(ModbusServer* modbus, bool serve) {
  if (modbus == nullptr) return {404, "text/plain; charset=utf-8", "no --modbus server\n"};
  absl::Status done = modbus->SetServing(serve);
  if (!done.ok()) return {503, "text/plain; charset=utf-8", absl::StrCat(done.message(), "\n")};
  return {200, "text/plain; charset=utf-8",
          absl::StrCat("modbus ", serve ? "serving" : "stopped", "\n")};
}

int Run(int argc, char** argv) {
  ShutdownSignal& stop = ShutdownSignal::Install();
  Flags flags;
  absl::Status parsed = ParseFlags(argc, argv, &flags);
  if (absl::IsCancelled(parsed)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!parsed.ok()) {
    std::fprintf(stderr, "ftel-plant-sim: %s\n", std::string(parsed.message()).c_str());
    return 2;
  }
  SharedPlant plant(flags.seed, flags.speed);

  std::unique_ptr<ModbusServer> modbus;
  if (!flags.modbus.empty()) {
    std::vector<std::string> host_port = absl::StrSplit(flags.modbus, ':');
    int port = 0;
    if (host_port.size() != 2 || !absl::SimpleAtoi(host_port[1], &port) || port <= 0 ||
        port > 65535) {
      std::fprintf(stderr, "ftel-plant-sim: --modbus must be HOST:PORT, got '%s'\n",
                   flags.modbus.c_str());
      return 2;
    }
    modbus = std::make_unique<ModbusServer>();
    if (absl::Status started = modbus->Start(host_port[0], port); !started.ok()) {
      std::fprintf(stderr, "ftel-plant-sim: %s\n", std::string(started.message()).c_str());
      return 1;
    }
  }
  std::unique_ptr<SparkplugNode> sparkplug;
  if (!flags.sparkplug.broker_uri.empty()) {
    sparkplug = std::make_unique<SparkplugNode>();
    if (absl::Status started = sparkplug->Start(flags.sparkplug); !started.ok()) {
      std::fprintf(stderr, "ftel-plant-sim: %s\n", std::string(started.message()).c_str());
      return 2;
    }
  }
  plant.PublishNow(modbus.get(), sparkplug.get());
  HttpEndpoint http;
  if (!flags.metrics.empty()) {
    ModbusServer* server = modbus.get();
    absl::Status started = http.Start(flags.metrics, [&plant, server](const std::string& path) {
      if (path == "/metrics") {
        return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", plant.Metrics()};
      }
      if (path == "/figures")
        return HttpResponse{200, "text/plain; charset=utf-8", plant.Figures()};
      if (path == "/control/modbus/stop") return Control(server, false);
      if (path == "/control/modbus/start") return Control(server, true);
      if (path == "/healthz") return HttpResponse{200, "text/plain; charset=utf-8", "ok\n"};
      return HttpResponse{404, "text/plain; charset=utf-8", "not found\n"};
    });
    if (!started.ok()) {
      std::fprintf(stderr, "ftel-plant-sim: %s\n", std::string(started.message()).c_str());
      return 1;
    }
  }
  // What the model implies, for comparing with the fleet table.
  std::printf("ftel-plant-sim: seed %llu, speed %g; the figures the model targets:\n%s",
              static_cast<unsigned long long>(flags.seed), flags.speed, plant.Figures().c_str());
  std::fflush(stdout);
  LogInfo(absl::StrCat("plant-sim: running", modbus ? " modbus " + flags.modbus : "",
                       flags.metrics.empty() ? "" : " metrics http://" + flags.metrics,
                       sparkplug ? " sparkplug " + flags.sparkplug.broker_uri : ""));

  absl::Time next = absl::Now() + absl::Seconds(1);
  while (!stop.requested()) {
    absl::SleepFor(std::min(next - absl::Now(), absl::Milliseconds(200)));
    if (absl::Now() < next) continue;
    next += absl::Seconds(1);
    plant.Tick(modbus.get(), sparkplug.get());
  }
  http.Stop();
  if (sparkplug) sparkplug->Shutdown();
  if (modbus) modbus->Shutdown();
  LogInfo("plant-sim: stopped");
  return 0;
}

}  // namespace
}  // namespace ftel::plant_sim

int main(int argc, char** argv) { return ftel::plant_sim::Run(argc, argv); }
