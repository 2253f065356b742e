// What the MQTT part of an aggregator's traffic costs on a bare Paho C++
// client, with nothing of ftel's work: it subscribes to every node's reports
// at QoS 1 (each one acknowledged, as the aggregator's are) and counts them,
// and publishes retained QoS 1 messages of the given sizes at the given rate
// (the results, flat views and commits an aggregator would send), with
// TCP_NODELAY on its socket, a persistent session and Paho's trace at
// errors, as the aggregator has. Run it in place of the aggregator under the
// load generator (bench/pyramid_run.sh with PAHO_FLOOR=1): its CPU is the
// floor under the aggregator's own. It runs until SIGTERM or SIGINT, then prints what it did.
//
//   ftel_bench_paho_floor --broker tcp://127.0.0.1:1883
//       --publish 3617:1457,695:1457,1838:1457,42:1457  (bytes:messages per s)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/process_cpu.h"
#include "libftel/mqtt/paho/paho_trace.h"
#include "libftel/mqtt/paho/tcp_nodelay.h"
#include "libftel/platform/shutdown_signal.h"
#include "mqtt/async_client.h"

namespace ftel {
namespace {

struct Options {
  std::string broker = "tcp://127.0.0.1:1883";
  // Streams of retained messages: one size, so many per second.
  struct Stream {
    size_t bytes = 0;
    double per_s = 0;
  };
  std::vector<Stream> streams;
  // Distinct retained topics per size, cycled through (an aggregator's
  // factories).
  int topics = 43715;
};

bool Parse(int argc, char** argv, Options* options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    bool ok = true;
    if (flag == "--broker") {
      options->broker = value;
    } else if (flag == "--topics") {
      ok = absl::SimpleAtoi(value, &options->topics) && options->topics > 0;
    } else if (flag == "--publish") {
      for (absl::string_view stream : absl::StrSplit(value, ',')) {
        const std::vector<absl::string_view> parts = absl::StrSplit(stream, ':');
        Options::Stream parsed;
        ok = ok && parts.size() == 2 && absl::SimpleAtoi(parts[0], &parsed.bytes) &&
             absl::SimpleAtod(parts[1], &parsed.per_s) && parsed.per_s >= 0;
        options->streams.push_back(parsed);
      }
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "ftel_bench_paho_floor: bad %s '%s'\n", flag.c_str(), value.c_str());
      return false;
    }
  }
  return argc % 2 == 1;
}

int Run(const Options& options, ShutdownSignal& stop) {
  mqtt::create_options create;
  create.set_max_buffered_messages(65535);  // as the aggregator's transport
  mqtt::async_client client(options.broker, "bench-paho-floor", create, nullptr);
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> received_bytes{0};
  client.set_message_callback([&](mqtt::const_message_ptr message) {
    received_bytes += message->get_payload().size();
    ++received;
  });
  try {
    const absl::StatusOr<SocketInodes> before = OpenSocketInodes();
    client.connect(mqtt::connect_options_builder().clean_session(false).finalize())->wait();
    const absl::StatusOr<int> port = BrokerPortOf(options.broker);
    if (before.ok() && port.ok() && !SetNoDelayOnNewSockets(*before, *port).ok()) {
      std::fprintf(stderr, "ftel_bench_paho_floor: TCP_NODELAY not set\n");
    }
    client.subscribe("ftel/v1/node/+/+/report", 1)->wait();
    client.subscribe("ftel/v1/node/+/+/status", 1)->wait();
  } catch (const mqtt::exception& e) {
    std::fprintf(stderr, "ftel_bench_paho_floor: %s: %s\n", options.broker.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "ftel_bench_paho_floor: subscribed\n");

  std::vector<std::string> payloads;
  for (const Options::Stream& stream : options.streams) payloads.emplace_back(stream.bytes, 'x');
  using Clock = std::chrono::steady_clock;
  constexpr auto kTick = std::chrono::milliseconds(10);
  const auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  std::vector<uint64_t> sent(options.streams.size(), 0);
  uint64_t refused = 0;
  for (auto next = start; !stop.requested(); next += kTick) {
    std::this_thread::sleep_until(next);
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    for (size_t kind = 0; kind < options.streams.size(); ++kind) {
      const auto due = static_cast<uint64_t>(elapsed_s * options.streams[kind].per_s);
      for (; sent[kind] < due; ++sent[kind]) {
        const uint64_t index = sent[kind] % static_cast<uint64_t>(options.topics);
        try {
          client.publish(absl::StrCat("bench/floor/", kind, "/", index), payloads[kind].data(),
                         payloads[kind].size(), 1, true);
        } catch (const mqtt::exception&) {
          ++refused;  // Paho's buffer is full: the broker is behind
        }
      }
    }
  }
  uint64_t published = 0;
  for (uint64_t count : sent) published += count;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu_start;
  std::printf(
      "paho floor: received %llu messages (%.1f MB) and published %llu (%llu refused) in %.0f s; "
      "CPU %.1f s = %.2f cores\n",
      static_cast<unsigned long long>(received.load()),
      static_cast<double>(received_bytes.load()) / 1e6,
      static_cast<unsigned long long>(published - refused),
      static_cast<unsigned long long>(refused), seconds, cpu, cpu / seconds);
  try {
    client.disconnect()->wait();
  } catch (const mqtt::exception& e) {
    std::fprintf(stderr, "ftel_bench_paho_floor: disconnect: %s\n", e.what());
  }
  return 0;
}

}  // namespace
}  // namespace ftel

int main(int argc, char** argv) {
  ftel::Options options;
  if (!ftel::Parse(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: ftel_bench_paho_floor [--broker URI] [--publish BYTES:PER_S,...] "
                 "[--topics T]\n");
    return 2;
  }
  // Paho's trace at errors, as the aggregator's transport keeps it.
  ftel::KeepPahoTraceToErrors();
  return ftel::Run(options, ftel::ShutdownSignal::Install());
}
