#include "aggregator/outputs/metrics_exporter.h"

#include <sstream>

#include "aggregator/input/input_validator.h"
#include "prometheus/text_serializer.h"

namespace ftel {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const std::string& name, const std::string& help, MetricType type) {
  MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  return family;
}

void Add(MetricFamily* family, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (family->type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family->metric.push_back(std::move(metric));
}

// Ratios as Prometheus likes them: 0..1, absent when undefined.
void AddRatio(MetricFamily* family, std::vector<ClientMetric::Label> labels,
              const v1::Ratio& ratio) {
  if (ratio.has_percent()) Add(family, std::move(labels), ratio.percent() / 100.0);
}

}  // namespace

void AggregatorMetrics::Update(MetricsSnapshot snapshot) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
}

std::vector<MetricFamily> AggregatorMetrics::Collect() const {
  MetricsSnapshot s;
  {
    absl::MutexLock lock(&mu_);
    s = snapshot_;
  }
  std::vector<MetricFamily> families;
  MetricFamily messages = Family("ftel_aggregator_messages_total",
                                 "Input messages accepted, by type.", MetricType::Counter);
  Add(&messages, {{"type", "report"}}, static_cast<double>(s.stats.reports));
  Add(&messages, {{"type", "status"}}, static_cast<double>(s.stats.statuses));
  families.push_back(std::move(messages));

  MetricFamily rejected = Family("ftel_aggregator_rejected_total",
                                 "Input messages dropped, by reason.", MetricType::Counter);
  for (int i = 0; i < kRejectionCount; ++i) {
    const std::string reason = RejectionName(RejectionByIndex(i));
    auto it = s.stats.rejected.find(reason);
    Add(&rejected, {{"reason", reason}},
        it == s.stats.rejected.end() ? 0.0 : static_cast<double>(it->second));
  }
  families.push_back(std::move(rejected));

  MetricFamily duplicates =
      Family("ftel_aggregator_duplicates_total", "Reports received again and not counted twice.",
             MetricType::Counter);
  Add(&duplicates, {}, static_cast<double>(s.stats.duplicates));
  families.push_back(std::move(duplicates));
  MetricFamily overlapping = Family(
      "ftel_aggregator_overlapping_windows_total",
      "Reports not counted because their window overlapped time already counted for the node "
      "(two agents with one identity).",
      MetricType::Counter);
  Add(&overlapping, {}, static_cast<double>(s.stats.overlapping));
  families.push_back(std::move(overlapping));
  MetricFamily old = Family("ftel_aggregator_outside_horizon_total",
                            "Reports older than the KPI horizon, ignored.", MetricType::Counter);
  Add(&old, {}, static_cast<double>(s.stats.outside_horizon));
  families.push_back(std::move(old));
  MetricFamily recomputes =
      Family("ftel_aggregator_recomputes_total", "Result recomputations.", MetricType::Counter);
  Add(&recomputes, {}, static_cast<double>(s.stats.recomputes));
  families.push_back(std::move(recomputes));
  MetricFamily published =
      Family("ftel_aggregator_published_total", "Result messages published.", MetricType::Counter);
  Add(&published, {}, static_cast<double>(s.stats.published));
  families.push_back(std::move(published));
  MetricFamily commits =
      Family("ftel_aggregator_commits_published_total",
             "End-to-end commits published to agents (after a save).", MetricType::Counter);
  Add(&commits, {}, static_cast<double>(s.stats.commits));
  families.push_back(std::move(commits));
  MetricFamily lag =
      Family("ftel_aggregator_processing_lag_seconds",
             "Age of the oldest message of the last batch when processed.", MetricType::Gauge);
  Add(&lag, {}, s.processing_lag_s);
  families.push_back(std::move(lag));
  MetricFamily connected = Family("ftel_aggregator_broker_connected",
                                  "1 while connected to the broker.", MetricType::Gauge);
  Add(&connected, {}, s.broker_connected ? 1 : 0);
  families.push_back(std::move(connected));
  if (s.results == nullptr) return families;

  MetricFamily penetration =
      Family("ftel_factory_scenario_penetration_ratio",
             "AI-enabled built catalogue scenarios / built ones, per factory.", MetricType::Gauge);
  MetricFamily oee =
      Family("ftel_factory_oee_ratio", "OEE from pooled ISO 22400 elements.", MetricType::Gauge);
  MetricFamily online = Family("ftel_factory_online", "1 while an agent of the factory is online.",
                               MetricType::Gauge);
  MetricFamily stale =
      Family("ftel_factory_stale", "1 when the factory's data is stale.", MetricType::Gauge);
  MetricFamily completeness = Family("ftel_factory_completeness_ratio",
                                     "Share of the time its windows cover.", MetricType::Gauge);
  MetricFamily coverage = Family(
      "ftel_factory_known_ratio",
      "Share of its figures the agents could read: of=\"evidence\" (built scenarios with known "
      "AI evidence), of=\"production\" (work-unit windows with known elements).",
      MetricType::Gauge);
  for (const auto& factory : s.results->factories) {
    const v1::FactorySummary& f = *factory;
    AddRatio(&penetration, {{"factory", f.factory_id()}, {"basis", "declared"}}, f.declared());
    AddRatio(&penetration, {{"factory", f.factory_id()}, {"basis", "observed"}}, f.observed());
    if (f.production().has_oee_percent()) {
      Add(&oee, {{"factory", f.factory_id()}}, f.production().oee_percent() / 100.0);
    }
    Add(&online, {{"factory", f.factory_id()}}, f.online() ? 1 : 0);
    Add(&stale, {{"factory", f.factory_id()}}, f.stale() ? 1 : 0);
    AddRatio(&completeness, {{"factory", f.factory_id()}}, f.completeness());
    AddRatio(&coverage, {{"factory", f.factory_id()}, {"of", "evidence"}}, f.evidence_coverage());
    AddRatio(&coverage, {{"factory", f.factory_id()}, {"of", "production"}},
             f.production().coverage());
  }
  MetricFamily group_penetration =
      Family("ftel_group_scenario_penetration_ratio",
             "Pooled AI penetration of a link, sector, region or the fleet.", MetricType::Gauge);
  MetricFamily group_factories =
      Family("ftel_group_factories", "Factories in the group.", MetricType::Gauge);
  MetricFamily marks = Family("ftel_group_factories_at_or_above_mark",
                              "Factories at or above the 20/60/70% marks.", MetricType::Gauge);
  std::vector<const v1::GroupSummary*> groups;
  for (const v1::GroupSummary& g : s.results->groups) groups.push_back(&g);
  groups.push_back(&s.results->fleet);
  for (const v1::GroupSummary* g : groups) {
    const std::vector<ClientMetric::Label> id = {{"group_kind", g->kind()}, {"group", g->key()}};
    auto with = [&id](std::vector<ClientMetric::Label> more) {
      std::vector<ClientMetric::Label> labels = id;
      labels.insert(labels.end(), more.begin(), more.end());
      return labels;
    };
    AddRatio(&group_penetration, with({{"basis", "declared"}}), g->declared().pooled());
    AddRatio(&group_penetration, with({{"basis", "observed"}}), g->observed().pooled());
    Add(&group_factories, id, g->factories());
    for (const auto& [basis, p] :
         {std::make_pair("declared", &g->declared()), std::make_pair("observed", &g->observed())}) {
      Add(&marks, with({{"basis", basis}, {"mark", "0.2"}}), p->marks().at_or_above_20());
      Add(&marks, with({{"basis", basis}, {"mark", "0.6"}}), p->marks().at_or_above_60());
      Add(&marks, with({{"basis", basis}, {"mark", "0.7"}}), p->marks().at_or_above_70());
    }
  }
  for (MetricFamily* family : {&penetration, &oee, &online, &stale, &completeness, &coverage,
                               &group_penetration, &group_factories, &marks}) {
    families.push_back(std::move(*family));
  }
  return families;
}

std::string AggregatorMetrics::ExpositionText() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, Collect());
  return SpellNaN(out.str());
}

std::string SpellNaN(std::string text) {
  // prometheus-cpp writes "Nan"; the exposition format spells it "NaN".
  const std::string wrong = " Nan\n";
  for (size_t at = text.find(wrong); at != std::string::npos; at = text.find(wrong, at)) {
    text.replace(at + 1, 3, "NaN");
  }
  return text;
}

}  // namespace ftel
