#include "agent/sampler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/spool/record_format.h"
#include "libftel/config/config_problems.h"
#include "libftel/platform/status_macros.h"

namespace ftel {
namespace {

constexpr char kNothingFromSource[] = "the source gave nothing for it";

}  // namespace

absl::StatusOr<std::unique_ptr<Sampler>> Sampler::Create(const LoadedAgentConfig& loaded) {
  const v1::AgentConfig& config = loaded.config;
  v1::Report skeleton;
  skeleton.set_schema_version(1);
  *skeleton.mutable_identity() = config.identity();
  std::map<std::string, std::string> scenario_sources;
  for (const v1::ScenarioConfig& s : config.scenarios()) {
    v1::ScenarioCoverage* coverage = skeleton.add_scenarios();
    if (s.custom()) {
      coverage->set_custom_id(s.id());
      coverage->set_link(s.link());
    } else {
      coverage->set_catalogue_id(s.id());
      coverage->set_link(loaded.catalogue.Find(s.id())->link_id);
    }
    coverage->set_built(s.built());
    coverage->set_ai_declared(s.ai_declared());
    *coverage->mutable_evidence()->mutable_model_ids() = s.model_ids();
    *coverage->mutable_evidence()->mutable_agent_ids() = s.agent_ids();
    coverage->set_evidence_horizon_s(s.evidence_horizon_s());
    if (!s.evidence_source().empty()) scenario_sources[s.id()] = s.evidence_source();
  }
  *skeleton.mutable_inventory() = config.inventory();
  std::map<std::string, std::string> work_unit_sources;
  for (const v1::WorkUnitConfig& unit : config.work_units()) {
    skeleton.add_work_units()->set_work_unit_id(unit.id());
    work_unit_sources[unit.id()] = unit.source();
  }

  ConfigProblems problems(loaded.path);
  std::map<std::string, SourceBindings> bindings = BindSources(config);
  for (auto& [name, bound] : bindings) bound.interval_ms = config.publish_interval_ms();
  std::map<std::string, std::unique_ptr<KpiSource>> sources;
  std::map<std::string, std::string> signatures;
  for (int i = 0; i < config.sources_size(); ++i) {
    const v1::SourceConfig& source = config.sources(i);
    auto bound = bindings.find(source.name());
    SourceBindings unbound;
    unbound.interval_ms = config.publish_interval_ms();
    const SourceBindings& used = bound == bindings.end() ? unbound : bound->second;
    sources[source.name()] =
        BuiltinSources().Create(source, used, "sources[" + std::to_string(i) + "]", &problems);
    signatures[source.name()] =
        absl::StrCat(source.SerializeAsString(), "|", absl::StrJoin(used.scenario_ids, ","), "|",
                     absl::StrJoin(used.work_unit_ids, ","), "|", used.interval_ms);
  }
  if (!problems.empty()) return problems.ToStatus();
  return std::unique_ptr<Sampler>(new Sampler(std::move(skeleton), std::move(sources),
                                              std::move(signatures), std::move(scenario_sources),
                                              std::move(work_unit_sources)));
}

Sampler::Sampler(v1::Report skeleton, std::map<std::string, std::unique_ptr<KpiSource>> sources,
                 std::map<std::string, std::string> signatures,
                 std::map<std::string, std::string> scenario_sources,
                 std::map<std::string, std::string> work_unit_sources)
    : skeleton_(std::move(skeleton)),
      sources_(std::move(sources)),
      signatures_(std::move(signatures)),
      scenario_sources_(std::move(scenario_sources)),
      work_unit_sources_(std::move(work_unit_sources)) {}

v1::Report Sampler::Sample(const ReportWindow& window, uint64_t session_id) {
  v1::Report report = skeleton_;
  report.set_session_id(session_id);
  report.set_sequence(window.sequence);
  report.set_window_start_ms(window.start_ms);
  report.set_window_end_ms(window.end_ms);
  report.set_clock_stepped(window.clock_stepped);
  // Each source once per window, so that it hands over all it accumulated.
  std::map<std::string, SourceWindow> seen;
  for (auto& [name, source] : sources_) seen[name] = source->TakeWindow(window);
  for (v1::ScenarioCoverage& coverage : *report.mutable_scenarios()) {
    const std::string& id =
        coverage.has_custom_id() ? coverage.custom_id() : coverage.catalogue_id();
    auto source = scenario_sources_.find(id);
    if (source == scenario_sources_.end()) continue;
    const auto& figures = seen[source->second].inferences;
    auto figure = figures.find(id);
    v1::AiEvidence* evidence = coverage.mutable_evidence();
    if (figure == figures.end()) {
      evidence->set_unknown_reason(kNothingFromSource);
    } else if (figure->second.known()) {
      evidence->set_inference_count(*figure->second.value);
    } else {
      evidence->set_unknown_reason(figure->second.unknown_reason);
    }
  }
  for (v1::WorkUnitElements& elements : *report.mutable_work_units()) {
    const std::string id = elements.work_unit_id();
    auto& figures = seen[work_unit_sources_.at(id)].work_units;
    auto figure = figures.find(id);
    if (figure == figures.end()) {
      elements.set_unknown_reason(kNothingFromSource);
    } else if (figure->second.known()) {
      elements = *std::move(figure->second.value);
    } else {
      elements.set_unknown_reason(figure->second.unknown_reason);
    }
    elements.set_work_unit_id(id);
  }
  return report;
}

absl::Status Sampler::Start() {
  for (auto& [name, source] : sources_) {
    if (running_.count(name) > 0) continue;
    running_.insert(name);  // so that Stop ends it even if it half started
    RETURN_IF_ERROR(source->Start());
  }
  return absl::OkStatus();
}

void Sampler::Stop() {
  for (const std::string& name : running_) sources_.at(name)->Stop();
  running_.clear();
}

int Sampler::TakeOverSources(Sampler& from) {
  int taken = 0;
  for (auto& [name, source] : sources_) {
    auto theirs = from.sources_.find(name);
    if (theirs == from.sources_.end() || from.running_.count(name) == 0 ||
        running_.count(name) > 0 || from.signatures_.at(name) != signatures_.at(name)) {
      continue;
    }
    std::swap(source, theirs->second);
    from.running_.erase(name);
    running_.insert(name);
    ++taken;
  }
  return taken;
}

absl::Status CheckReportFitsSpool(const LoadedAgentConfig& loaded, Sampler& sampler) {
  const uint64_t record_bytes = sampler.Sample(ReportWindow{0, 1, 1}, 1).ByteSizeLong() +
                                kHealthSlackBytes + kRecordHeaderBytes;
  const uint64_t segment_bytes = loaded.config.spool().segment_bytes();
  if (record_bytes <= segment_bytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(loaded.path, ": spool.segment_bytes: must hold one report (about ", record_bytes,
                   " bytes with this config), got ", segment_bytes));
}

}  // namespace ftel
