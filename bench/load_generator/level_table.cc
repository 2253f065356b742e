#include "bench/load_generator/level_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ftel {
namespace {

void Add(const FactoryProfile& profile, const FactoryResult& result, LevelRow* row) {
  ++row->factories;
  if (!result.seen) return;
  ++row->with_results;
  for (size_t m = 0; m < kMarkPercents.size(); ++m) {
    row->declared_marks[m] += AtOrAbove(result.declared, result.built, kMarkPercents[m]);
    row->observed_marks[m] += AtOrAbove(result.observed, result.known, kMarkPercents[m]);
  }
  row->declared += result.declared;
  row->built += result.built;
  row->observed += result.observed;
  row->known += result.known;
  // Every built scenario's count is known in every window, so the known
  // ones are the built ones.
  if (result.declared != profile.declared() || result.built != profile.built() ||
      result.observed != profile.evidenced() || result.known != profile.built()) {
    ++row->not_as_drawn;
  }
}

std::string Percent(double numerator, double denominator) {
  if (denominator == 0) return "-";
  return absl::StrFormat("%.1f %%", 100.0 * numerator / denominator);
}

}  // namespace

bool AtOrAbove(double numerator, double denominator, int percent) {
  return denominator != 0 && numerator * 100.0 >= percent * denominator;
}

std::vector<LevelRow> MakeLevelTable(const std::vector<SyntheticFactory>& fleet,
                                     const CollectedResults& results) {
  std::vector<LevelRow> rows;
  std::array<LevelRow, kMiitLevelCount> levels;
  LevelRow all;
  all.level = "all";
  bool any_level = false;
  for (size_t i = 0; i < fleet.size(); ++i) {
    const FactoryResult& result = results.factories[i];
    Add(fleet[i].profile, result, &all);
    if (!fleet[i].level.has_value()) continue;
    any_level = true;
    Add(fleet[i].profile, result, &levels[static_cast<int>(*fleet[i].level)]);
  }
  if (any_level) {
    for (int i = kMiitLevelCount - 1; i >= 0; --i) {
      levels[i].level = MiitLevelName(kMiitLevels[i]);
      rows.push_back(levels[i]);
    }
  }
  rows.push_back(all);
  return rows;
}

std::string FormatLevelTable(const std::vector<LevelRow>& rows) {
  std::string text = absl::StrFormat("%-10s %9s %8s | %9s %6s %6s | %9s %6s %6s | %9s %9s | %s\n",
                                     "MIIT level", "factories", "results", "declared", "", "",
                                     "observed", "", "", "pooled", "pooled", "not as");
  absl::StrAppendFormat(&text, "%-10s %9s %8s | %9s %6s %6s | %9s %6s %6s | %9s %9s | %s\n", "", "",
                        "", ">=20%", ">=60%", ">=70%", ">=20%", ">=60%", ">=70%", "declared",
                        "observed", "drawn");
  for (const LevelRow& row : rows) {
    absl::StrAppendFormat(
        &text, "%-10s %9d %8d | %9d %6d %6d | %9d %6d %6d | %9s %9s | %d\n", row.level,
        row.factories, row.with_results, row.declared_marks[0], row.declared_marks[1],
        row.declared_marks[2], row.observed_marks[0], row.observed_marks[1], row.observed_marks[2],
        Percent(row.declared, row.built), Percent(row.observed, row.known), row.not_as_drawn);
  }
  return text;
}

}  // namespace ftel
