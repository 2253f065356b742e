#include "aggregator/state/evidence_history.h"

#include <algorithm>

namespace ftel {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;

int64_t HourStart(int64_t ms) { return ms - ((ms % kHourMs) + kHourMs) % kHourMs; }

}  // namespace

std::string ScenarioKey(const v1::ScenarioCoverage& coverage) {
  return coverage.has_custom_id() ? "custom:" + coverage.custom_id() : coverage.catalogue_id();
}

std::vector<EvidenceHistory::Scenario>::iterator EvidenceHistory::Find(
    const std::string& scenario) {
  return std::lower_bound(
      scenarios_.begin(), scenarios_.end(), scenario,
      [](const Scenario& s, const std::string& key) { return StringPool::Text(s.key) < key; });
}

std::vector<EvidenceHistory::Scenario>::const_iterator EvidenceHistory::Find(
    const std::string& scenario) const {
  return const_cast<EvidenceHistory*>(this)->Find(scenario);
}

void EvidenceHistory::ReleaseStrings(const Scenario& s, StringPool* pool) {
  pool->Release(s.key);
  pool->Release(s.unknown_reason);
}

void EvidenceHistory::Apply(const std::string& scenario, int64_t window_end_ms,
                            const v1::AiEvidence& evidence, StringPool* pool) {
  auto found = Find(scenario);
  if (found == scenarios_.end() || StringPool::Text(found->key) != scenario) {
    found = scenarios_.insert(found, Scenario{});
    found->key = pool->Acquire(scenario);
  }
  Scenario& s = *found;
  const bool known = evidence.unknown_reason().empty();
  if (window_end_ms >= s.newest_window_end_ms) {
    s.newest_window_end_ms = window_end_ms;
    if (StringPool::Text(s.unknown_reason) != evidence.unknown_reason()) {
      pool->Release(s.unknown_reason);
      s.unknown_reason = known ? nullptr : pool->Acquire(evidence.unknown_reason());
    }
  }
  if (!known) return;
  s.last_known_ms = std::max(s.last_known_ms, window_end_ms);
  if (evidence.inference_count() == 0) return;
  s.last_evidence_ms = std::max(s.last_evidence_ms, window_end_ms);
  // The window counts in the hour it ended in.
  const int64_t hour = HourStart(window_end_ms - 1);
  auto it = std::lower_bound(s.hours.begin(), s.hours.end(), std::make_pair(hour, uint64_t{0}));
  if (it == s.hours.end() || it->first != hour) it = s.hours.insert(it, {hour, 0});
  it->second += evidence.inference_count();
}

EvidenceHistory::Seen EvidenceHistory::At(const std::string& scenario, int64_t reference_ms,
                                          int64_t horizon_ms) const {
  Seen seen;
  auto it = Find(scenario);
  if (it == scenarios_.end() || StringPool::Text(it->key) != scenario) {
    seen.unknown_reason = "no report of it yet";
    return seen;
  }
  const Scenario& s = *it;
  const int64_t since_ms = reference_ms - horizon_ms;
  // 0 is "never" (window ends are after 2020).
  seen.known = s.last_known_ms > 0 && s.last_known_ms > since_ms;
  seen.observed = s.last_evidence_ms > 0 && s.last_evidence_ms > since_ms;
  seen.last_evidence_ms = s.last_evidence_ms;
  seen.unknown_reason = StringPool::Text(s.unknown_reason);
  for (const auto& [hour, count] : s.hours) {
    if (hour + kHourMs > since_ms) seen.inferences += count;
  }
  return seen;
}

void EvidenceHistory::Prune(int64_t reference_ms, int64_t keep_ms, StringPool* pool) {
  const int64_t since_ms = reference_ms - keep_ms;
  auto kept = scenarios_.begin();
  for (Scenario& s : scenarios_) {
    s.hours.erase(s.hours.begin(),
                  std::find_if(s.hours.begin(), s.hours.end(),
                               [&](const auto& hour) { return hour.first + kHourMs > since_ms; }));
    // The last times are kept while in reach: they say "last seen".
    const bool empty =
        s.hours.empty() && s.last_known_ms <= since_ms && s.newest_window_end_ms <= since_ms;
    if (empty) {
      ReleaseStrings(s, pool);
    } else {
      if (&*kept != &s) *kept = std::move(s);
      ++kept;
    }
  }
  scenarios_.erase(kept, scenarios_.end());
}

void EvidenceHistory::Clear(StringPool* pool) {
  for (const Scenario& s : scenarios_) ReleaseStrings(s, pool);
  scenarios_.clear();
}

void EvidenceHistory::SaveTo(v1::NodeSnapshot* snapshot) const {
  for (const Scenario& s : scenarios_) {
    v1::ScenarioEvidenceState* state = snapshot->add_evidence();
    state->set_scenario(StringPool::Text(s.key));
    state->set_last_evidence_ms(s.last_evidence_ms);
    state->set_last_known_ms(s.last_known_ms);
    state->set_unknown_reason(StringPool::Text(s.unknown_reason));
    state->set_newest_window_end_ms(s.newest_window_end_ms);
    for (const auto& [hour, count] : s.hours) {
      v1::HourCount* h = state->add_hours();
      h->set_hour_start_ms(hour);
      h->set_inferences(count);
    }
  }
}

void EvidenceHistory::RestoreFrom(const v1::NodeSnapshot& snapshot, StringPool* pool) {
  Clear(pool);
  for (const v1::ScenarioEvidenceState& state : snapshot.evidence()) {
    if (state.scenario().empty()) continue;
    auto found = Find(state.scenario());
    if (found != scenarios_.end() && StringPool::Text(found->key) == state.scenario()) {
      continue;  // a scenario twice: the first is kept
    }
    Scenario& s = *scenarios_.insert(found, Scenario{});
    s.key = pool->Acquire(state.scenario());
    s.last_evidence_ms = state.last_evidence_ms();
    s.last_known_ms = state.last_known_ms();
    s.unknown_reason = pool->Acquire(state.unknown_reason());
    s.newest_window_end_ms = state.newest_window_end_ms();
    for (const v1::HourCount& h : state.hours())
      s.hours.emplace_back(h.hour_start_ms(), h.inferences());
    std::sort(s.hours.begin(), s.hours.end());
  }
}

}  // namespace ftel
