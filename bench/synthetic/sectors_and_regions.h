// Where synthetic factories are: manufacturing sectors and China's 31
// provinces, each with a weight for how often a factory is drawn there. The
// weights are rough, chosen to look like the manufacturing map (the eastern
// provinces heaviest, equipment and raw materials the largest sectors);
// they are not official figures. Names are topic levels as they are.
#ifndef FTEL_BENCH_SYNTHETIC_SECTORS_AND_REGIONS_H_
#define FTEL_BENCH_SYNTHETIC_SECTORS_AND_REGIONS_H_

#include <string>
#include <vector>

namespace ftel {

struct WeightedName {
  std::string name;
  double weight;
};

const std::vector<WeightedName>& SyntheticSectors();
const std::vector<WeightedName>& SyntheticRegions();

// The weights alone, in the same order, for RandomDraw::Weighted.
std::vector<double> WeightsOf(const std::vector<WeightedName>& names);

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_SECTORS_AND_REGIONS_H_
