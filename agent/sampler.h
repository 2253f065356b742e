// Turns the config and the sources into one Report per window.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Sampler> sampler, Sampler::Create(loaded));
//   Report report = sampler->Sample(window, session_id);
#ifndef FTEL_AGENT_SAMPLER_H_
#define FTEL_AGENT_SAMPLER_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "agent/agent_config.h"
#include "agent/sources/kpi_source.h"
#include "ftel/v1/report.pb.h"

namespace ftel {

// Upper bound on the encoded size of Report.health, which the runtime fills
// in after sampling.
inline constexpr uint64_t kHealthSlackBytes = 96;

// Not thread-safe: one sampling thread.
class Sampler {
 public:
  static absl::StatusOr<std::unique_ptr<Sampler>> Create(const LoadedAgentConfig& loaded);

  // Starts the sources' own polling (those not running yet); Stop ends it
  // (also after a failed Start). validate-config and the spool-size check
  // never start them.
  absl::Status Start();
  void Stop();

  // For a config reload: takes over `from`'s running sources whose config,
  // bindings and interval are the same here, so that their counts go on
  // without a gap or an overlap; `from` gets this one's unstarted ones in
  // exchange. Returns how many it took over. Calling it the other way round
  // gives them back.
  int TakeOverSources(Sampler& from);

  // The report of a closed window: each source's figures for it, unknown
  // ones with their reason.
  v1::Report Sample(const ReportWindow& window, uint64_t session_id);

 private:
  Sampler(v1::Report skeleton, std::map<std::string, std::unique_ptr<KpiSource>> sources,
          std::map<std::string, std::string> signatures,
          std::map<std::string, std::string> scenario_sources,
          std::map<std::string, std::string> work_unit_sources);

  const v1::Report skeleton_;
  std::map<std::string, std::unique_ptr<KpiSource>> sources_;
  // Source name -> what it was made from (config, bindings, interval).
  const std::map<std::string, std::string> signatures_;
  std::set<std::string> running_;
  // Scenario id / work unit id -> source name.
  const std::map<std::string, std::string> scenario_sources_;
  const std::map<std::string, std::string> work_unit_sources_;
};

// A report of this config, with its health, must fit in one spool segment;
// InvalidArgument "file: spool.segment_bytes: …" if it cannot. Checked before
// the agent starts (and by ftelctl validate-config), not at the first append.
absl::Status CheckReportFitsSpool(const LoadedAgentConfig& loaded, Sampler& sampler);

}  // namespace ftel

#endif  // FTEL_AGENT_SAMPLER_H_
