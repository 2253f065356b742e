// Turns successive scrapes of one endpoint into increments per mapping: each
// matched series (keyed by its name and full label set) has its own
// CounterDelta, so the endpoint's first scrape is the baseline and a value
// below the last one is a restart of the server (the new value is the
// increment). A series first seen in a later scrape started from 0 since the
// previous one (a model was loaded, a client library created the series at
// its first increment), so its whole value is its increment; a series that
// disappears keeps its counter, so its return after a restart is a reset. A mapping's increment is
// the sum over the series it matches that have a baseline; it is unknown when it matches no series
// ("metric ... not found") or none of them has a baseline yet ("no baseline yet"). Used by one
// polling thread; not thread-safe.
//
//   ScrapeIncrements increments({*SeriesMatcher::Create("nv_inference_count", {})});
//   std::vector<Figure<double>> seen = increments.Observe(*ParseExposition(body));
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_SCRAPE_INCREMENTS_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_SCRAPE_INCREMENTS_H_

#include <map>
#include <string>
#include <vector>

#include "agent/sources/counter_delta.h"
#include "agent/sources/kpi_source.h"
#include "agent/sources/prometheus/exposition_parser.h"
#include "agent/sources/prometheus/series_matcher.h"

namespace ftel {

class ScrapeIncrements {
 public:
  explicit ScrapeIncrements(std::vector<SeriesMatcher> matchers) : matchers_(std::move(matchers)) {}

  // One figure per matcher, in the order given.
  std::vector<Figure<double>> Observe(const Exposition& scrape);

  // Series with a counter so far (for tests and bounds).
  size_t tracked_series() const { return series_.size(); }

 private:
  std::vector<SeriesMatcher> matchers_;
  std::map<std::string, CounterDelta> series_;
  bool had_scrape_ = false;
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_SCRAPE_INCREMENTS_H_
