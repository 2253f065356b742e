// The `prometheus` source against a peer no one here wrote: a metrics
// endpoint served by Debian's python3-prometheus-client (metrics_peer.py),
// on a free loopback port, whose counters the test drives. Per-window
// increments must equal what the peer served; a stopped, failing or slow
// peer makes exactly its windows unknown, never zero, and never delays
// TakeWindow; a restarted peer's reset gives no negative or huge increment.
#include <csignal>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/sources/kpi_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker_process.h"
#include "tests/support/child_process.h"
#include "tests/support/http_get.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

using ::testing::HasSubstr;

class Peer {
 public:
  Peer(const TempDir& dir, int port, std::string token = "")
      : dir_(dir), port_(port), token_(std::move(token)) {}

  void Start() {
    std::vector<std::string> argv = {FTEL_SYSTEM_PYTHON, FTEL_PROMETHEUS_PEER, "--port",
                                     std::to_string(port_)};
    if (!token_.empty()) argv.insert(argv.end(), {"--token", token_});
    auto started = ChildProcess::Start(argv, absl::StrCat(dir_.path(), "/peer-", ++runs_, ".log"));
    ASSERT_TRUE(started.ok()) << started.status();
    process_ = *std::move(started);
    ASSERT_TRUE(WaitForPort(port_, absl::Seconds(20))) << process_->Log();
  }
  void Stop() {
    process_->Signal(SIGTERM);
    ASSERT_TRUE(process_->WaitForExit(absl::Seconds(10)).has_value());
    process_.reset();
  }
  void Control(const std::string& path_and_query) {
    const std::string answer = HttpGet(port_, path_and_query);
    ASSERT_THAT(answer, HasSubstr(" 200 ")) << path_and_query << ": " << answer;
  }
  void Add(const std::string& family, const std::string& labels, int n) {
    Control(absl::StrCat("/control/add?family=", family, "&", labels, "&n=", n));
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/metrics"); }

 private:
  const TempDir& dir_;
  const int port_;
  const std::string token_;
  int runs_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

constexpr int64_t kWindowMs = 1000;

// Three scenarios on one endpoint, polled every 100 ms with a 300 ms timeout.
v1::SourceConfig SourceFor(const std::string& url, const std::string& token_file = "") {
  v1::SourceConfig config;
  config.set_name("inference");
  config.set_type("prometheus");
  v1::PrometheusSourceConfig* p = config.mutable_prometheus();
  p->set_poll_interval_ms(100);
  v1::PrometheusEndpoint* e = p->add_endpoints();
  e->set_url(url);
  e->set_timeout_ms(300);
  e->set_bearer_token_file(token_file);
  v1::PrometheusScenarioMapping* vllm = p->add_scenarios();
  vllm->set_scenario_id("PM-02");
  vllm->set_preset("vllm");
  vllm->set_model("assist");
  v1::PrometheusScenarioMapping* kserve = p->add_scenarios();
  kserve->set_scenario_id("PD-03");
  kserve->set_preset("kserve");
  kserve->set_model("iris");
  v1::PrometheusScenarioMapping* weld = p->add_scenarios();
  weld->set_scenario_id("OM-01");
  weld->set_metric("weld_inspections_total");
  v1::PrometheusLabelMatcher* line = weld->add_labels();
  line->set_name("line");
  line->set_regex("line-[12]");
  v1::PrometheusLabelMatcher* model = weld->add_labels();
  model->set_name("model");
  model->set_equals("seam");
  return config;
}

std::unique_ptr<KpiSource> Create(const v1::SourceConfig& config) {
  SourceBindings bindings;
  bindings.scenario_ids = {"PM-02", "PD-03", "OM-01"};
  bindings.interval_ms = kWindowMs;
  ConfigProblems problems("test.yaml");
  std::unique_ptr<KpiSource> source =
      BuiltinSources().Create(config, bindings, "sources[0]", &problems);
  EXPECT_NE(source, nullptr) << problems.ToStatus();
  return source;
}

class Windows {
 public:
  explicit Windows(KpiSource* source) : source_(source) {}
  SourceWindow Next() {
    ReportWindow w{static_cast<int64_t>(sequence_) * kWindowMs,
                   static_cast<int64_t>(sequence_ + 1) * kWindowMs, sequence_};
    ++sequence_;
    return source_->TakeWindow(w);
  }

 private:
  KpiSource* source_;
  uint64_t sequence_ = 1;
};

void Pause(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Long enough for several 100 ms polls to finish after the peer changed.
constexpr int kSettleMs = 600;

void ExpectKnown(const SourceWindow& w, const std::string& id, uint64_t value,
                 const std::string& when) {
  const auto it = w.inferences.find(id);
  ASSERT_NE(it, w.inferences.end()) << when;
  EXPECT_EQ(it->second.value, std::optional<uint64_t>(value))
      << when << ": " << id << " unknown: " << it->second.unknown_reason;
}

void ExpectUnknown(const SourceWindow& w, const std::string& id, const std::string& reason_part,
                   const std::string& when) {
  const auto it = w.inferences.find(id);
  ASSERT_NE(it, w.inferences.end()) << when;
  EXPECT_FALSE(it->second.known()) << when << ": " << id << " = " << *it->second.value;
  EXPECT_THAT(it->second.unknown_reason, HasSubstr(reason_part)) << when << ": " << id;
}

// The series exist before the source starts, so its first scrape is their baseline.
void Seed(Peer& peer) {
  peer.Add("vllm", "model_name=assist&finished_reason=stop", 10);
  peer.Add("vllm", "model_name=assist&finished_reason=length", 1);
  peer.Add("vllm", "model_name=other&finished_reason=stop", 500);
  peer.Add("kserve", "model_name=iris", 2);
  peer.Add("weld", "line=line-1&model=seam", 5);
  peer.Add("weld", "line=line-3&model=seam", 100);
  peer.Add("weld", "line=line-2&model=bead", 50);
}

// Round r: PM-02 gets 4r, PD-03 r, OM-01 r + 3; the rest must not count.
void Serve(Peer& peer, int r) {
  peer.Add("vllm", "model_name=assist&finished_reason=stop", 3 * r);
  peer.Add("vllm", "model_name=assist&finished_reason=length", r);
  peer.Add("vllm", "model_name=other&finished_reason=stop", 77);
  peer.Add("kserve", "model_name=iris", r);
  peer.Add("weld", "line=line-1&model=seam", r + 1);
  peer.Add("weld", "line=line-2&model=seam", 2);
  peer.Add("weld", "line=line-3&model=seam", 1000);
  peer.Add("weld", "line=line-1&model=bead", 9);
}

void ExpectRound(const SourceWindow& w, int r, const std::string& when) {
  ExpectKnown(w, "PM-02", 4 * r, when);
  ExpectKnown(w, "PD-03", r, when);
  ExpectKnown(w, "OM-01", r + 3, when);
}

TEST(PrometheusSourceTest, IncrementsEqualWhatThePeerServedThroughAnOutageAndARestart) {
  TempDir dir;
  Peer peer(dir, FreeLoopbackPort());
  peer.Start();
  Seed(peer);
  std::unique_ptr<KpiSource> source = Create(SourceFor(peer.url()));
  ASSERT_NE(source, nullptr);
  Windows windows(source.get());
  ASSERT_TRUE(source->Start().ok());
  Pause(kSettleMs);
  const SourceWindow baseline = windows.Next();  // the first scrape set the baselines
  ExpectKnown(baseline, "PM-02", 0, "baseline window");

  for (int r = 1; r <= 3; ++r) {
    Serve(peer, r);
    Pause(kSettleMs);
    ExpectRound(windows.Next(), r, absl::StrCat("round ", r));
  }

  peer.Stop();
  Pause(400);  // scrapes in flight when it stopped have finished
  const SourceWindow stopping = windows.Next();
  for (const auto& [id, figure] : stopping.inferences) {
    // Nothing was served since the last window: 0 or unknown, nothing else.
    EXPECT_TRUE(!figure.known() || *figure.value == 0) << id;
  }
  for (int i = 0; i < 2; ++i) {
    Pause(kSettleMs);
    const SourceWindow down = windows.Next();
    for (const char* id : {"PM-02", "PD-03", "OM-01"}) {
      ExpectUnknown(down, id, "unreachable: connection refused", "peer down");
    }
  }

  // A new peer process: its counters start again from 0.
  peer.Start();
  peer.Add("vllm", "model_name=assist&finished_reason=stop", 2);
  peer.Add("kserve", "model_name=iris", 1);
  peer.Add("weld", "line=line-1&model=seam", 1);
  peer.Add("weld", "line=line-2&model=seam", 1);
  Pause(kSettleMs);
  const SourceWindow restarted = windows.Next();
  ExpectKnown(restarted, "PM-02", 2, "after restart");
  ExpectKnown(restarted, "PD-03", 1, "after restart");
  ExpectKnown(restarted, "OM-01", 2, "after restart");
  // The vLLM 'length' series comes back later: from its reset, not negative.
  peer.Add("vllm", "model_name=assist&finished_reason=length", 3);
  Pause(kSettleMs);
  ExpectKnown(windows.Next(), "PM-02", 3, "series back after restart");
  Serve(peer, 4);
  Pause(kSettleMs);
  ExpectRound(windows.Next(), 4, "round 4 after restart");
  source->Stop();
  peer.Stop();
}

TEST(PrometheusSourceTest, AFailingPeerIsUnknownAndTheFirstGoodScrapeCarriesTheOutage) {
  TempDir dir;
  Peer peer(dir, FreeLoopbackPort());
  peer.Start();
  Seed(peer);
  std::unique_ptr<KpiSource> source = Create(SourceFor(peer.url()));
  ASSERT_NE(source, nullptr);
  Windows windows(source.get());
  ASSERT_TRUE(source->Start().ok());
  Pause(kSettleMs);
  windows.Next();
  peer.Control("/control/mode?status=503");
  Pause(400);
  windows.Next();  // the window in which it began to fail
  Serve(peer, 2);  // served while the endpoint answers 503
  for (int i = 0; i < 2; ++i) {
    Pause(kSettleMs);
    const SourceWindow failing = windows.Next();
    for (const char* id : {"PM-02", "PD-03", "OM-01"})
      ExpectUnknown(failing, id, "http 503", "503");
  }
  peer.Control("/control/mode?status=200");
  Pause(kSettleMs);
  ExpectRound(windows.Next(), 2, "first window after the outage");
  source->Stop();
  peer.Stop();
}

TEST(PrometheusSourceTest, ASlowPeerNeverDelaysTakeWindowAndItsWindowsAreTimeouts) {
  TempDir dir;
  Peer peer(dir, FreeLoopbackPort());
  peer.Start();
  Seed(peer);
  std::unique_ptr<KpiSource> source = Create(SourceFor(peer.url()));
  ASSERT_NE(source, nullptr);
  Windows windows(source.get());
  ASSERT_TRUE(source->Start().ok());
  Pause(kSettleMs);
  windows.Next();
  peer.Control("/control/mode?delay_s=3");  // ten times the 300 ms timeout
  Pause(400);
  windows.Next();
  Serve(peer, 1);
  for (int i = 0; i < 3; ++i) {
    // Take windows while a scrape hangs: each returns at once.
    absl::Duration slowest;
    SourceWindow slow;
    for (int j = 0; j < 10; ++j) {
      Pause(60);
      const absl::Time before = absl::Now();
      slow = windows.Next();
      slowest = std::max(slowest, absl::Now() - before);
    }
    EXPECT_LT(slowest, absl::Milliseconds(50)) << "TakeWindow waited on a scrape";
    for (const char* id : {"PM-02", "PD-03", "OM-01"}) {
      ExpectUnknown(slow, id, "timeout after 300 ms", "slow peer");
    }
  }
  peer.Control("/control/mode?delay_s=0");
  Pause(kSettleMs);
  ExpectRound(windows.Next(), 1, "after the slow spell");
  const absl::Time before_stop = absl::Now();
  peer.Control("/control/mode?delay_s=3");
  Pause(150);  // a scrape is now hanging
  source->Stop();
  EXPECT_LT(absl::Now() - before_stop, absl::Seconds(2)) << "Stop waited for the hung scrape";
  peer.Stop();
}

TEST(PrometheusSourceTest, APeerThatDemandsABearerTokenGetsIt) {
  TempDir dir;
  Peer peer(dir, FreeLoopbackPort(), "s3cret-token");
  peer.Start();
  Seed(peer);
  const std::string good = dir.WriteFile("good.token", "s3cret-token\n");
  const std::string bad = dir.WriteFile("bad.token", "guess");
  std::unique_ptr<KpiSource> with_token = Create(SourceFor(peer.url(), good));
  std::unique_ptr<KpiSource> wrong_token = Create(SourceFor(peer.url(), bad));
  std::unique_ptr<KpiSource> without = Create(SourceFor(peer.url()));
  ASSERT_TRUE(with_token && wrong_token && without);
  Windows w_good(with_token.get()), w_bad(wrong_token.get()), w_none(without.get());
  ASSERT_TRUE(with_token->Start().ok());
  ASSERT_TRUE(wrong_token->Start().ok());
  ASSERT_TRUE(without->Start().ok());
  Pause(kSettleMs);
  w_good.Next();
  w_bad.Next();
  w_none.Next();
  Serve(peer, 2);
  Pause(kSettleMs);
  ExpectRound(w_good.Next(), 2, "with the token");
  ExpectUnknown(w_bad.Next(), "PM-02", "http 401", "wrong token");
  ExpectUnknown(w_none.Next(), "PM-02", "http 401", "no token");
  with_token->Stop();
  wrong_token->Stop();
  without->Stop();
  peer.Stop();
}

TEST(PrometheusSourceTest, AMissingTokenFileIsUnknownNotACrash) {
  TempDir dir;
  Peer peer(dir, FreeLoopbackPort(), "t");
  peer.Start();
  std::unique_ptr<KpiSource> source = Create(SourceFor(peer.url(), dir.path() + "/no-such.token"));
  ASSERT_NE(source, nullptr);
  Windows windows(source.get());
  ASSERT_TRUE(source->Start().ok());
  Pause(kSettleMs);
  ExpectUnknown(windows.Next(), "PM-02", "bearer token", "missing token file");
  source->Stop();
  peer.Stop();
}

}  // namespace
}  // namespace ftel
