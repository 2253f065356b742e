#include "aggregator/outputs/flat_view_publisher.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libftel/platform/log.h"
#include "libftel/schema/proto_json.h"

namespace ftel {
namespace {

void AddRatio(const std::string& name, const v1::Ratio& ratio, FlatView* view) {
  (*view)[name + "_numerator"] = ratio.numerator();
  (*view)[name + "_denominator"] = ratio.denominator();
  if (ratio.has_percent()) (*view)[name + "_percent"] = ratio.percent();
}

void AddProduction(const v1::ProductionKpis& production, FlatView* view) {
  auto percent = [&](const std::string& name, const v1::Ratio& ratio) {
    if (ratio.has_percent()) (*view)[name + "_percent"] = ratio.percent();
  };
  percent("availability", production.availability());
  percent("effectiveness", production.effectiveness());
  percent("quality", production.quality());
  percent("first_pass_yield", production.first_pass_yield());
  percent("scrap", production.scrap());
  percent("rework", production.rework());
  if (production.has_oee_percent()) (*view)["oee_percent"] = production.oee_percent();
  if (production.has_mtbf_s()) (*view)["mtbf_s"] = production.mtbf_s();
  if (production.has_mttr_s()) (*view)["mttr_s"] = production.mttr_s();
  if (production.has_energy_kwh_per_unit()) {
    (*view)["energy_kwh_per_unit"] = production.energy_kwh_per_unit();
  }
  (*view)["windows"] = static_cast<double>(production.windows());
}

void AddPenetration(const std::string& name, const v1::GroupPenetration& penetration,
                    FlatView* view) {
  AddRatio(name, penetration.pooled(), view);
  const v1::Distribution& d = penetration.distribution();
  if (d.has_min_percent()) (*view)[name + "_min_percent"] = d.min_percent();
  if (d.has_median_percent()) (*view)[name + "_median_percent"] = d.median_percent();
  if (d.has_max_percent()) (*view)[name + "_max_percent"] = d.max_percent();
  (*view)[name + "_at_or_above_20"] = penetration.marks().at_or_above_20();
  (*view)[name + "_at_or_above_60"] = penetration.marks().at_or_above_60();
  (*view)[name + "_at_or_above_70"] = penetration.marks().at_or_above_70();
}

}  // namespace

FlatView FlatFactoryView(const v1::FactorySummary& factory) {
  FlatView view;
  view["online"] = factory.online() ? 1 : 0;
  view["stale"] = factory.stale() ? 1 : 0;
  view["nodes"] = factory.nodes();
  view["nodes_online"] = factory.nodes_online();
  AddRatio("declared", factory.declared(), &view);
  AddRatio("observed", factory.observed(), &view);
  AddRatio("terminals", factory.terminals(), &view);
  AddRatio("key_equipment", factory.key_equipment(), &view);
  AddRatio("completeness", factory.completeness(), &view);
  view["custom_built"] = factory.custom_built();
  view["custom_ai_declared"] = factory.custom_ai_declared();
  view["custom_ai_observed"] = factory.custom_ai_observed();
  view["vertical_models"] = factory.vertical_models();
  view["industrial_agents"] = factory.industrial_agents();
  view["industrial_software"] = factory.industrial_software();
  view["reports"] = static_cast<double>(factory.reports());
  view["agent_dropped"] = static_cast<double>(factory.agent_dropped());
  if (factory.has_production()) AddProduction(factory.production(), &view);
  // Catalogue scenarios as the engine merged them over the factory's nodes
  // (observed over the evidence horizon, not in the newest window only).
  for (const v1::ScenarioSummary& s : factory.scenarios()) {
    if (s.custom()) continue;
    const std::string prefix = absl::StrCat("scenario.", s.id(), ".");
    view[prefix + "built"] = s.built() ? 1 : 0;
    view[prefix + "ai_declared"] = s.ai_declared() ? 1 : 0;
    view[prefix + "ai_observed"] = s.ai_observed() ? 1 : 0;
  }
  return view;
}

FlatView FlatGroupView(const v1::GroupSummary& group) {
  FlatView view;
  view["factories"] = group.factories();
  view["factories_online"] = group.factories_online();
  view["factories_stale"] = group.factories_stale();
  AddPenetration("declared", group.declared(), &view);
  AddPenetration("observed", group.observed(), &view);
  AddPenetration("declared_fresh", group.declared_fresh(), &view);
  AddPenetration("observed_fresh", group.observed_fresh(), &view);
  if (group.has_terminals()) AddRatio("terminals", group.terminals(), &view);
  if (group.has_key_equipment()) AddRatio("key_equipment", group.key_equipment(), &view);
  if (group.has_completeness()) AddRatio("completeness", group.completeness(), &view);
  if (group.has_production()) AddProduction(group.production(), &view);
  view["vertical_models"] = group.vertical_models();
  view["industrial_agents"] = group.industrial_agents();
  view["industrial_software"] = group.industrial_software();
  view["agent_dropped"] = static_cast<double>(group.agent_dropped());
  return view;
}

std::string FlatViewJson(const FlatView& view) {
  std::string json = "{";
  for (const auto& [name, value] : view) {
    if (!std::isfinite(value)) continue;
    if (json.size() > 1) json += ",";
    // Names are built from catalogue ids and fixed words: nothing to escape.
    absl::StrAppend(&json, "\"", name, "\":");
    AppendJsonDouble(value, &json);
  }
  return json + "}";
}

FlatViewPublisher::FlatViewPublisher(std::string topic_root, v1::AggregatorConfig::FlatViews views,
                                     MqttTransport* transport)
    : root_(std::move(topic_root)), views_(views), transport_(transport) {}

uint64_t FlatViewPublisher::PublishIfChanged(const std::string& topic, std::string json,
                                             bool connected) {
  {
    absl::MutexLock lock(&mu_);
    auto it = published_.find(topic);
    if (it != published_.end() && it->second == json) return 0;
    if (!connected || round_failed_.load(std::memory_order_relaxed)) return 0;
    published_[topic] = json;
  }
  transport_->Publish(
      MqttMessage{topic, std::move(json), 1, true}, [this, topic](absl::Status done) {
        if (done.ok()) return;
        LogWarning(absl::StrCat("publish ", topic, ": ", done.message(), "; will retry"));
        round_failed_.store(true, std::memory_order_relaxed);
        absl::MutexLock lock(&mu_);
        published_.erase(topic);
        offer_all_factories_ = true;
      });
  return 1;
}

uint64_t FlatViewPublisher::Publish(const FleetResults& results,
                                    const std::vector<DueFactory>& factories) {
  if (views_ == v1::AggregatorConfig::NO_FLAT_VIEWS) return 0;
  const bool factory_views = views_ != v1::AggregatorConfig::GROUP_FLAT_VIEWS;
  const std::string base = absl::StrCat(root_, "/v1/flat/");
  // Asked once per round (Paho's client lock). After a failure (a loss
  // during the round, a full buffer) the rest of the round waits for the
  // next one, which offers every factory.
  const bool connected = transport_->IsConnected();
  round_failed_.store(false, std::memory_order_relaxed);
  uint64_t sent = 0;
  auto publish_factory = [&](const v1::FactorySummary& factory) {
    sent += PublishIfChanged(absl::StrCat(base, "factory/", factory.factory_id()),
                             FlatViewJson(FlatFactoryView(factory)), connected);
  };
  bool offer_all = false;
  {
    absl::MutexLock lock(&mu_);
    offer_all = offer_all_factories_;
    offer_all_factories_ = false;
  }
  if (factory_views && offer_all) {
    for (const auto& factory : results.factories) publish_factory(*factory);
    if (!connected) {
      absl::MutexLock lock(&mu_);
      offer_all_factories_ = true;
    }
  } else if (factory_views) {
    for (const DueFactory& due : factories) {
      const v1::FactorySummary* factory = FindFactory(results, due.id);
      if (factory != nullptr) publish_factory(*factory);
    }
  }
  for (const v1::GroupSummary& group : results.groups) {
    sent += PublishIfChanged(absl::StrCat(base, group.kind(), "/", group.key()),
                             FlatViewJson(FlatGroupView(group)), connected);
  }
  sent += PublishIfChanged(absl::StrCat(base, "fleet"), FlatViewJson(FlatGroupView(results.fleet)),
                           connected);
  return sent;
}

void FlatViewPublisher::Reset() {
  absl::MutexLock lock(&mu_);
  published_.clear();
  offer_all_factories_ = true;
}

}  // namespace ftel
