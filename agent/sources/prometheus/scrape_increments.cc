#include "agent/sources/prometheus/scrape_increments.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"

namespace ftel {

std::vector<Figure<double>> ScrapeIncrements::Observe(const Exposition& scrape) {
  struct Tally {
    int matched = 0;
    int with_increment = 0;
    double sum = 0;
  };
  std::vector<Tally> tallies(matchers_.size());
  std::set<std::string> seen_this_scrape;
  for (const Sample& sample : scrape.samples) {
    std::vector<size_t> matching;
    for (size_t i = 0; i < matchers_.size(); ++i) {
      if (matchers_[i].Matches(sample)) matching.push_back(i);
    }
    if (matching.empty()) continue;
    // A series listed twice in one answer counts once.
    std::string key = SeriesKey(sample.name, sample.labels);
    if (!seen_this_scrape.insert(key).second) continue;
    auto [counter, is_new] = series_.try_emplace(std::move(key));
    // A series that appears after the endpoint's first scrape started from
    // 0 since the last one (a model loaded, a first request of a kind).
    if (is_new && had_scrape_) counter->second.Observe(0);
    const std::optional<double> delta = counter->second.Observe(sample.value);
    for (size_t i : matching) {
      ++tallies[i].matched;
      if (delta.has_value()) {
        ++tallies[i].with_increment;
        tallies[i].sum += *delta;
      }
    }
  }
  had_scrape_ = true;
  std::vector<Figure<double>> figures;
  for (size_t i = 0; i < matchers_.size(); ++i) {
    if (tallies[i].matched == 0) {
      figures.push_back(
          Figure<double>::Unknown(absl::StrCat("metric ", matchers_[i].Describe(), " not found")));
    } else if (tallies[i].with_increment == 0) {
      figures.push_back(Figure<double>::Unknown("no baseline yet"));
    } else {
      figures.push_back(Figure<double>::Known(tallies[i].sum));
    }
  }
  return figures;
}

}  // namespace ftel
