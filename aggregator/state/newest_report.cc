#include "aggregator/state/newest_report.h"

#include "aggregator/state/evidence_history.h"

namespace ftel {
namespace {

constexpr absl::string_view kCustomPrefix = "custom:";

// Points `*slot` at the pooled `text`, releasing what it pointed at; a
// string it already holds is kept without a lookup.
void Repoint(absl::string_view text, StringPool* pool, const std::string** slot) {
  if (StringPool::Text(*slot) == text) return;
  const std::string* old = *slot;
  *slot = pool->Acquire(text);
  pool->Release(old);
}

}  // namespace

std::string NewestScenario::id() const {
  const std::string& k = StringPool::Text(key);
  return custom ? k.substr(kCustomPrefix.size()) : k;
}

void NewestReport::Assign(const v1::Report& report, StringPool* pool) {
  session_id = report.session_id();
  sequence = report.sequence();
  uncommitted_from = report.uncommitted_from();
  window_start_ms = report.window_start_ms();
  window_end_ms = report.window_end_ms();
  const v1::AgentHealth& health = report.health();
  spool_pending = health.spool_pending();
  dropped = health.dropped_full() + health.dropped_expired() + health.dropped_disk_full();
  inventory = report.inventory();
  // A node's scenarios are mostly the same from one report to the next, in
  // the same order: each slot keeps its strings when they did not change.
  for (size_t i = report.scenarios_size(); i < scenarios.size(); ++i) {
    pool->Release(scenarios[i].key);
    pool->Release(scenarios[i].link);
  }
  scenarios.resize(report.scenarios_size());
  for (int i = 0; i < report.scenarios_size(); ++i) {
    const v1::ScenarioCoverage& s = report.scenarios(i);
    NewestScenario& slot = scenarios[i];
    slot.custom = s.has_custom_id();
    if (slot.custom) {
      Repoint(ScenarioKey(s), pool, &slot.key);
    } else {
      Repoint(s.catalogue_id(), pool, &slot.key);
    }
    Repoint(s.link(), pool, &slot.link);
    slot.evidence_horizon_s = s.evidence_horizon_s();
    slot.built = s.built();
    slot.ai_declared = s.ai_declared();
  }
}

void NewestReport::SaveTo(v1::NewestReport* out) const {
  out->set_session_id(session_id);
  out->set_sequence(sequence);
  out->set_uncommitted_from(uncommitted_from);
  out->set_window_start_ms(window_start_ms);
  out->set_window_end_ms(window_end_ms);
  out->set_spool_pending(spool_pending);
  out->set_dropped(dropped);
  *out->mutable_inventory() = inventory;
  for (const NewestScenario& s : scenarios) {
    v1::NewestScenario* row = out->add_scenarios();
    row->set_scenario(StringPool::Text(s.key));
    row->set_link(StringPool::Text(s.link));
    row->set_built(s.built);
    row->set_ai_declared(s.ai_declared);
    row->set_evidence_horizon_s(s.evidence_horizon_s);
  }
}

void NewestReport::RestoreFrom(const v1::NewestReport& in, StringPool* pool) {
  Release(pool);
  session_id = in.session_id();
  sequence = in.sequence();
  uncommitted_from = in.uncommitted_from();
  window_start_ms = in.window_start_ms();
  window_end_ms = in.window_end_ms();
  spool_pending = in.spool_pending();
  dropped = in.dropped();
  inventory = in.inventory();
  scenarios.reserve(in.scenarios_size());
  for (const v1::NewestScenario& row : in.scenarios()) {
    NewestScenario& s = scenarios.emplace_back();
    s.key = pool->Acquire(row.scenario());
    s.custom = absl::string_view(row.scenario()).substr(0, kCustomPrefix.size()) == kCustomPrefix;
    s.link = pool->Acquire(row.link());
    s.built = row.built();
    s.ai_declared = row.ai_declared();
    s.evidence_horizon_s = row.evidence_horizon_s();
  }
}

void NewestReport::Release(StringPool* pool) {
  for (const NewestScenario& s : scenarios) {
    pool->Release(s.key);
    pool->Release(s.link);
  }
  scenarios.clear();
}

v1::NewestReport NewestOf(const v1::Report& report) {
  StringPool pool;
  NewestReport newest;
  newest.Assign(report, &pool);
  v1::NewestReport out;
  newest.SaveTo(&out);
  newest.Release(&pool);
  return out;
}

}  // namespace ftel
