#include "agent/sources/prometheus/prometheus_source.h"

#include <atomic>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/poll_loop.h"
#include "agent/sources/prometheus/exposition_parser.h"
#include "agent/sources/prometheus/http_fetch.h"
#include "agent/sources/prometheus/prometheus_config.h"
#include "agent/sources/prometheus/scrape_increments.h"
#include "agent/sources/prometheus/window_accumulator.h"
#include "libftel/platform/file_io.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

// Asks for the classic text format, not OpenMetrics or protobuf.
constexpr char kAccept[] = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

// A secret file's contents without surrounding white space, or why not.
absl::StatusOr<std::string> ReadSecret(const std::string& what, const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    return absl::UnavailableError(absl::StrCat(what, ": ", text.status().message()));
  }
  return std::string(absl::StripAsciiWhitespace(*text));
}

// One endpoint: its plan, its series' counters and the scenarios it serves.
// Touched only by its own polling thread once started.
struct Endpoint {
  Endpoint(EndpointPlan plan_in, std::vector<std::string> scenarios_in,
           std::vector<SeriesMatcher> matchers)
      : plan(std::move(plan_in)),
        scenarios(std::move(scenarios_in)),
        increments(std::move(matchers)) {}

  EndpointPlan plan;
  std::vector<std::string> scenarios;  // parallel to the matchers
  ScrapeIncrements increments;
  std::unique_ptr<PollLoop> loop;
};

class PrometheusSource : public KpiSource {
 public:
  explicit PrometheusSource(PrometheusPlan plan)
      : poll_interval_(plan.poll_interval), accumulator_(ScenarioEndpoints(plan), Count(plan)) {
    std::vector<std::vector<std::string>> scenarios(plan.endpoints.size());
    std::vector<std::vector<SeriesMatcher>> matchers(plan.endpoints.size());
    for (const MappingPlan& m : plan.mappings) {
      for (int e : m.endpoints) {
        scenarios[e].push_back(m.scenario_id);
        matchers[e].push_back(m.matcher);
      }
    }
    for (size_t e = 0; e < plan.endpoints.size(); ++e) {
      endpoints_.push_back(std::make_unique<Endpoint>(
          std::move(plan.endpoints[e]), std::move(scenarios[e]), std::move(matchers[e])));
    }
  }

  ~PrometheusSource() override { Stop(); }

  absl::Status Start() override {
    InitHttpFetch();
    accumulator_.Start();
    for (size_t e = 0; e < endpoints_.size(); ++e) {
      Endpoint* endpoint = endpoints_[e].get();
      if (endpoint->scenarios.empty()) continue;  // no mapping reads it
      endpoint->loop = std::make_unique<PollLoop>(
          absl::StrCat("prometheus ", endpoint->plan.name), poll_interval_,
          [this, e, endpoint] { Poll(static_cast<int>(e), endpoint); });
      RETURN_IF_ERROR(endpoint->loop->Start());
    }
    return absl::OkStatus();
  }

  void Stop() override {
    stopping_ = true;  // abandons scrapes in progress
    for (auto& endpoint : endpoints_) {
      if (endpoint->loop != nullptr) endpoint->loop->Stop();
    }
  }

  SourceWindow TakeWindow(const ReportWindow& window) override {
    SourceWindow seen;
    seen.inferences = accumulator_.Take();
    return seen;
  }

 private:
  static std::map<std::string, std::vector<int>> ScenarioEndpoints(const PrometheusPlan& plan) {
    std::map<std::string, std::vector<int>> serving;
    for (const MappingPlan& m : plan.mappings) serving[m.scenario_id] = m.endpoints;
    return serving;
  }
  static int Count(const PrometheusPlan& plan) { return static_cast<int>(plan.endpoints.size()); }

  // One scrape of one endpoint, on its polling thread.
  void Poll(int index, Endpoint* endpoint) {
    absl::StatusOr<std::string> body = Fetch(endpoint->plan);
    if (stopping_) return;
    if (!body.ok()) {
      accumulator_.RecordFailure(index, std::string(body.status().message()));
      return;
    }
    absl::StatusOr<Exposition> parsed = ParseExposition(*body);
    if (!parsed.ok()) {
      accumulator_.RecordFailure(index,
                                 absl::StrCat("bad exposition: ", parsed.status().message()));
      return;
    }
    const std::vector<Figure<double>> figures = endpoint->increments.Observe(*parsed);
    std::map<std::string, Figure<double>> by_scenario;
    for (size_t i = 0; i < figures.size(); ++i) by_scenario[endpoint->scenarios[i]] = figures[i];
    accumulator_.RecordScrape(index, by_scenario);
  }

  absl::StatusOr<std::string> Fetch(const EndpointPlan& plan) {
    FetchRequest request;
    request.url = plan.url;
    request.timeout = plan.timeout;
    request.accept = kAccept;
    request.ca_file = plan.ca_file;
    request.max_bytes = kMaxExpositionBytes;
    request.cancel = &stopping_;
    if (!plan.bearer_token_file.empty()) {
      absl::StatusOr<std::string> token = ReadSecret("bearer token", plan.bearer_token_file);
      if (!token.ok()) return token.status();
      request.bearer_token = *std::move(token);
    }
    if (!plan.username.empty()) {
      absl::StatusOr<std::string> password = ReadSecret("password", plan.password_file);
      if (!password.ok()) return password.status();
      request.username = plan.username;
      request.password = *std::move(password);
    }
    return HttpFetch(request);
  }

  const absl::Duration poll_interval_;
  std::atomic<bool> stopping_{false};
  WindowAccumulator accumulator_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace

std::unique_ptr<KpiSource> CreatePrometheusSource(const v1::SourceConfig& config,
                                                  const SourceBindings& bindings,
                                                  const std::string& key_prefix,
                                                  ConfigProblems* problems) {
  std::optional<PrometheusPlan> plan =
      CheckPrometheusConfig(config.prometheus(), bindings, key_prefix, problems);
  if (!plan.has_value()) return nullptr;
  return std::make_unique<PrometheusSource>(*std::move(plan));
}

}  // namespace ftel
