// The broker path, in one run on one mosquitto on loopback:
//  1. agent publish: reports/s through the spool (QoS 1, max_inflight 32)
//     against a bare Paho C++ publisher sending the same bytes with the same
//     window of unacknowledged messages, in alternating rounds;
//  2. aggregator ingest: reports/s decoded, validated and aggregated against
//     a bare Paho C++ subscriber draining the same stream at the same time;
//  3. latency from publish to the updated retained factory result (p50, p99).
//
//   ftel_bench_mqtt_path [reports [publish]]   # "publish": part 1 alone
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "agent/agent_runtime.h"
#include "aggregator/aggregator_service.h"
#include "bench/process_cpu.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/mqtt/paho/paho_trace.h"
#include "libftel/schema/proto_json.h"
#include "mqtt/async_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWindow = 32;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// What a timed round took: wall-clock and process CPU seconds.
struct RoundTime {
  double seconds = 0;
  double cpu_seconds = 0;
};

// Publishes `payloads` at QoS 1 keeping at most kWindow unacknowledged.
RoundTime BarePublish(const std::string& uri, const std::string& topic,
                      const std::vector<std::string>& payloads) {
  mqtt::async_client client(uri, "bench-bare-publisher", nullptr);
  client.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  std::deque<mqtt::delivery_token_ptr> inflight;
  const auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  for (const std::string& payload : payloads) {
    if (inflight.size() >= kWindow) {
      inflight.front()->wait();
      inflight.pop_front();
    }
    inflight.push_back(client.publish(topic, payload.data(), payload.size(), 1, false));
  }
  for (auto& token : inflight) token->wait();
  const RoundTime took{Seconds(start), ProcessCpuSeconds() - cpu_start};
  client.disconnect()->wait();
  return took;
}

std::string AgentConfig(const std::string& uri, const std::string& dir) {
  std::string scenarios;
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  for (const CatalogueScenario& s : catalogue->scenarios()) {
    scenarios += absl::StrCat("  - {id: ", s.id, ", built: true, ai_declared: true, ",
                              "evidence_source: sim, model_ids: [model-", s.id, "]}\n");
  }
  std::string unit_list;
  for (int u = 0; u < 20; ++u) unit_list += absl::StrCat("  - {id: line-", u, ", source: sim}\n");
  return absl::StrCat("broker: {uri: '", uri, "', client_id: bench-agent}\n",
                      "identity: {factory_id: bench, node_id: edge-1}\n",
                      "publish_interval_ms: 86400000\n", "catalogue_path: ", SourceConfigDir(),
                      "/scenario-catalogue.tsv\n", "spool: {dir: ", dir,
                      "/spool, fsync: BATCH, max_inflight: ", kWindow,
                      "}\nsources: [{name: sim, type: simulated}]\nscenarios:\n", scenarios,
                      "work_units:\n", unit_list);
}

// One agent run: `n` reports are spooled first, then the agent's own loop
// (Run) connects and publishes them; timed from its first report to the last
// PUBACK, as the bare publisher is timed after its CONNECT.
RoundTime AgentPublish(const std::string& uri, const std::string& spool_dir, int n,
                       std::string* sample) {
  TempDir config_dir;
  auto loaded = LoadAgentConfig(config_dir.WriteFile("agent.yaml", AgentConfig(uri, spool_dir)));
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
    std::exit(1);
  }
  auto sampler = Sampler::Create(*loaded);
  SystemClock clock;
  auto spool = Spool::Open(Env::Default(), &clock, SpoolOptionsFrom(loaded->config.spool()));
  auto transport = NewPahoMqttTransport(uri, "bench-agent");
  AgentRuntime runtime(*loaded, sampler->get(), spool->get(), transport.get(), &clock, {{1, 1}});
  const int64_t now = clock.NowMs();
  const uint64_t first = (*spool)->last_id() + 1;
  for (uint64_t i = first; i < first + n; ++i) {
    (void)runtime.SampleWindow(ReportWindow{now - 10000, now, i});
  }
  *sample = (*sampler)->Sample(ReportWindow{now - 10000, now, 1}, 1).SerializeAsString();
  // The interval is a day, so nothing new is sampled meanwhile.
  ShutdownSignal stop;
  std::thread run([&] { (void)runtime.Run(stop); });
  while (runtime.counters().published.load() == 0) std::this_thread::yield();
  const auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  while (runtime.counters().acknowledged.load() < static_cast<uint64_t>(n)) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const RoundTime took{Seconds(start), ProcessCpuSeconds() - cpu_start};
  // No aggregator runs here: commit what was sent, as its commits would, so
  // that the next round starts from an empty spool and the stop does not
  // wait for commits.
  (*spool)->Commit((*spool)->last_id());
  stop.Request();
  run.join();
  transport.reset();
  return took;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Rounds alternate between the agent and the bare publisher, so that a noisy
// moment on a shared machine hits both; the medians are compared.
void PublishComparison(const std::string& uri, const TempDir& dir, int n) {
  constexpr int kRounds = 5;
  const int per_round = std::max(1, n / kRounds);
  std::vector<double> agent_rates, bare_rates, agent_cpu_us, bare_cpu_us;
  std::string sample;
  for (int round = 0; round < kRounds; ++round) {
    const RoundTime agent = AgentPublish(uri, dir.path(), per_round, &sample);
    const RoundTime bare = BarePublish(uri, "ftel/v1/node/bench/edge-1/report",
                                       std::vector<std::string>(per_round, sample));
    agent_rates.push_back(per_round / agent.seconds);
    bare_rates.push_back(per_round / bare.seconds);
    agent_cpu_us.push_back(agent.cpu_seconds * 1e6 / per_round);
    bare_cpu_us.push_back(bare.cpu_seconds * 1e6 / per_round);
  }
  auto range = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return absl::StrFormat("%.0f-%.0f", v.front(), v.back());
  };
  std::printf(
      "agent publish (spool, QoS 1, %d in flight) %9.0f reports/s (median of %d rounds of %d; "
      "%s)\n",
      kWindow, Median(agent_rates), kRounds, per_round, range(agent_rates).c_str());
  std::printf("bare Paho C++ publisher, same bytes         %9.0f reports/s (%s)\n",
              Median(bare_rates), range(bare_rates).c_str());
  std::printf("ratio agent / bare (medians)                %9.2f\n",
              Median(agent_rates) / Median(bare_rates));
  // The publisher's side of the cost (the broker's is apart): on a machine
  // whose cores the broker shares, more CPU per report is a lower rate.
  std::printf("publisher CPU per report, agent / bare      %6.1f / %.1f us (medians)\n",
              Median(agent_cpu_us), Median(bare_cpu_us));
}

void IngestComparison(const std::string& uri, int n) {
  auto catalogue = ScenarioCatalogue::Load(SourceConfigDir() + "/scenario-catalogue.tsv");
  LoadedAggregatorConfig loaded;
  loaded.catalogue = *catalogue;
  loaded.config.mutable_broker()->set_uri(uri);
  loaded.config.mutable_broker()->set_client_id("bench-aggregator");
  loaded.config.set_http_listen("off");
  ApplyAggregatorDefaults(".", &loaded.config);
  loaded.config.set_publish_min_interval_ms(10);
  auto agg_transport = NewPahoMqttTransport(uri, "bench-aggregator");
  SystemClock clock;
  MessageInbox inbox;
  agg_transport->SetMessageHandler([&](MqttMessage m) { inbox.Push(std::move(m), clock.NowMs()); });
  AggregatorService service(loaded, agg_transport.get(), &inbox, &clock);
  ShutdownSignal stop;
  std::thread run([&] { (void)service.Run(stop); });

  std::atomic<int> bare_received{0};
  std::atomic<int64_t> bare_done_ns{0};
  mqtt::async_client bare(uri, "bench-bare-subscriber", nullptr);
  bare.set_message_callback([&](mqtt::const_message_ptr) {
    if (++bare_received == n) {
      bare_done_ns = Clock::now().time_since_epoch().count();
    }
  });
  bare.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  bare.subscribe("ftel/v1/node/+/+/report", 1)->wait();
  std::string health;
  while (!service.Healthy(&health)) std::this_thread::sleep_for(std::chrono::milliseconds(20));

  // n reports from 100 factories, as a fleet would send them.
  std::vector<std::pair<std::string, std::string>> messages;
  // Each factory's windows are contiguous, 1 s each, ending before now (a
  // node's time counts once: overlapping windows would not be counted).
  const int64_t first_start = clock.NowMs() - (n / 100 + 1) * 1000;
  for (int i = 0; i < n; ++i) {
    const std::string factory = absl::StrCat("f", i % 100);
    v1::Report report;
    report.set_schema_version(1);
    report.mutable_identity()->set_factory_id(factory);
    report.mutable_identity()->set_node_id("edge-1");
    report.set_session_id(1);
    report.set_sequence(static_cast<uint64_t>(i / 100 + 1));
    report.set_window_start_ms(first_start + (i / 100) * 1000);
    report.set_window_end_ms(report.window_start_ms() + 1000);
    auto* s = report.add_scenarios();
    s->set_catalogue_id("PO-05");
    s->set_link("PO");
    s->set_built(true);
    s->set_ai_declared(true);
    messages.emplace_back(absl::StrCat("ftel/v1/node/", factory, "/edge-1/report"),
                          report.SerializeAsString());
  }
  mqtt::async_client publisher(uri, "bench-publisher", nullptr);
  publisher.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  std::deque<mqtt::delivery_token_ptr> inflight;
  const uint64_t before = service.stats().reports;
  const auto start = Clock::now();
  for (const auto& [topic, payload] : messages) {
    if (inflight.size() >= kWindow) {
      inflight.front()->wait();
      inflight.pop_front();
    }
    inflight.push_back(publisher.publish(topic, payload.data(), payload.size(), 1, false));
  }
  for (auto& token : inflight) token->wait();
  while (service.stats().reports - before < static_cast<uint64_t>(n) || bare_received < n) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const double aggregator_s = Seconds(start);
  const double bare_s =
      std::chrono::duration<double>(Clock::time_point(Clock::duration(bare_done_ns.load())) - start)
          .count();
  std::printf("aggregator ingest (decode, validate, apply) %9.0f reports/s\n", n / aggregator_s);
  std::printf("bare Paho C++ subscriber, same stream       %9.0f reports/s\n", n / bare_s);
  std::printf("ratio aggregator / bare                     %9.2f\n", bare_s / aggregator_s);

  // Latency: one report at a time to one factory, until its result shows it.
  std::atomic<uint64_t> seen_reports{0};
  mqtt::async_client watcher(uri, "bench-watcher", nullptr);
  watcher.set_message_callback([&](mqtt::const_message_ptr message) {
    v1::FactorySummary summary;
    if (FromJson(message->get_payload_str(), &summary).ok()) seen_reports = summary.reports();
  });
  watcher.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  watcher.subscribe("ftel/v1/rates/factory/latency", 1)->wait();
  std::vector<double> latencies_ms;
  int64_t window_start = clock.NowMs() - 1000;
  for (int i = 1; i <= 200; ++i) {
    v1::Report report;
    report.set_schema_version(1);
    report.mutable_identity()->set_factory_id("latency");
    report.mutable_identity()->set_node_id("edge-1");
    report.set_session_id(2);
    report.set_sequence(static_cast<uint64_t>(i));
    // Contiguous windows: each report's time is new.
    report.set_window_start_ms(window_start);
    report.set_window_end_ms(std::max(window_start + 1, clock.NowMs()));
    window_start = report.window_end_ms();
    const auto sent = Clock::now();
    publisher.publish("ftel/v1/node/latency/edge-1/report", report.SerializeAsString(), 1, false);
    while (seen_reports.load() < static_cast<uint64_t>(i) && Seconds(sent) < 2) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    latencies_ms.push_back(Seconds(sent) * 1000);
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "publish -> retained result latency (publish_min_interval_ms 10): p50 %.1f ms, "
      "p99 %.1f ms\n",
      latencies_ms[latencies_ms.size() / 2], latencies_ms[latencies_ms.size() * 99 / 100]);
  stop.Request();
  run.join();
  agg_transport.reset();
  publisher.disconnect()->wait();
  bare.disconnect()->wait();
  watcher.disconnect()->wait();
}

}  // namespace
}  // namespace ftel

int main(int argc, char** argv) {
  int n = 20000;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &n)) return 2;
  // The bare clients run with Paho's trace at errors, as ftel's transport
  // keeps it, so that the comparisons are of ftel's work, not of the trace.
  ftel::KeepPahoTraceToErrors();
  ftel::TempDir dir;
  auto broker = ftel::BrokerProcess::Start(
      dir, "max_inflight_messages 0\nmax_queued_messages 0\nset_tcp_nodelay true\n");
  if (!broker.ok()) {
    std::fprintf(stderr, "%s\n", broker.status().ToString().c_str());
    return 1;
  }
  ftel::PublishComparison((*broker)->uri(), dir, n);
  // "publish": the first part alone, e.g. under perf record.
  if (argc > 2 && std::string(argv[2]) == "publish") return 0;
  ftel::IngestComparison((*broker)->uri(), n);
  return 0;
}
