// Flat memory through a long outage: the agent's resident memory after
// 10,000 reports spooled without a broker exceeds that after 100 by less than
// 1 MiB. Real sampler (the demo factory's 20 scenarios), real spool on disk,
// real (unconnected) Paho client; prints both figures.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "agent/agent_runtime.h"
#include "gtest/gtest.h"
#include "libftel/mqtt/paho/paho_mqtt_transport.h"
#include "libftel/platform/file_io.h"
#include "tests/support/broker_process.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

// A field of /proc/self/status, in KiB.
int64_t StatusKib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      int64_t kib = 0;
      const std::string digits = line.substr(field.size() + 1);
      (void)absl::SimpleAtoi(digits.substr(0, digits.find("kB")), &kib);
      return kib;
    }
  }
  return -1;
}

TEST(AgentMemory, FlatThroughTenThousandSpooledReports) {
  TempDir dir;
  absl::StatusOr<std::string> demo =
      ReadFileToString(SourceConfigDir() + "/demo/suzhou-electronics.yaml");
  ASSERT_TRUE(demo.ok());
  // Nothing listens on the broker port: every report stays in the spool.
  std::string config = *demo;
  const int dead_port = FreeLoopbackPort();
  config.replace(config.find("tcp://127.0.0.1:1883"), 20,
                 absl::StrCat("tcp://127.0.0.1:", dead_port));
  config.replace(config.find("catalogue_path: ../scenario-catalogue.tsv"), 41,
                 "catalogue_path: " + SourceConfigDir() + "/scenario-catalogue.tsv");
  config += "\n";
  config.replace(config.find("spool: {dir: spool/suzhou-electronics}"), 38,
                 "spool: {dir: spool, fsync: BATCH}");
  auto loaded = LoadAgentConfig(dir.WriteFile("agent.yaml", config));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto sampler = Sampler::Create(*loaded);
  ASSERT_TRUE(sampler.ok());
  SystemClock clock;
  auto spool = Spool::Open(Env::Default(), &clock, SpoolOptionsFrom(loaded->config.spool()));
  ASSERT_TRUE(spool.ok());
  auto transport = NewPahoMqttTransport(loaded->config.broker().uri(), "memory-test");
  AgentRuntime runtime(*loaded, sampler->get(), spool->get(), transport.get(), &clock, {{1, 1}});

  int64_t rss_at_100 = 0;
  int64_t anon_at_100 = 0;
  const int64_t start = clock.NowMs();
  for (uint64_t seq = 1; seq <= 10000; ++seq) {
    const int64_t end = start + static_cast<int64_t>(seq) * 2000;
    ASSERT_TRUE(runtime.SampleWindow(ReportWindow{end - 2000, end, seq}).ok());
    if (seq == 100) {
      rss_at_100 = StatusKib("VmRSS");
      anon_at_100 = StatusKib("RssAnon");
    }
  }
  const int64_t rss_at_10000 = StatusKib("VmRSS");
  const int64_t anon_at_10000 = StatusKib("RssAnon");
  const SpoolStats stats = (*spool)->stats();
  std::printf(
      "[memory] agent RSS after 100 spooled reports: %lld KiB (anon %lld KiB); after "
      "10000: %lld KiB (anon %lld KiB); growth %lld KiB; spool %llu reports, %llu bytes "
      "in %llu segments\n",
      static_cast<long long>(rss_at_100), static_cast<long long>(anon_at_100),
      static_cast<long long>(rss_at_10000), static_cast<long long>(anon_at_10000),
      static_cast<long long>(rss_at_10000 - rss_at_100),
      static_cast<unsigned long long>(stats.pending_records),
      static_cast<unsigned long long>(stats.bytes),
      static_cast<unsigned long long>(stats.segments));
  EXPECT_EQ(stats.pending_records, 10000u);
  ASSERT_GT(rss_at_100, 0);
  EXPECT_LT(rss_at_10000 - rss_at_100, 1024) << "resident memory grew by 1 MiB or more";
}

}  // namespace
}  // namespace ftel
