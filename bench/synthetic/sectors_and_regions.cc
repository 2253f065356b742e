#include "bench/synthetic/sectors_and_regions.h"

namespace ftel {

const std::vector<WeightedName>& SyntheticSectors() {
  static const std::vector<WeightedName>* sectors = new std::vector<WeightedName>{
      {"equipment", 22}, {"raw-materials", 18}, {"electronics", 15}, {"consumer-goods", 12},
      {"automotive", 9}, {"food", 9},           {"textiles", 8},     {"pharmaceuticals", 7},
  };
  return *sectors;
}

const std::vector<WeightedName>& SyntheticRegions() {
  static const std::vector<WeightedName>* regions = new std::vector<WeightedName>{
      {"guangdong", 140},  {"jiangsu", 130},      {"zhejiang", 130}, {"shandong", 85},
      {"henan", 55},       {"anhui", 50},         {"fujian", 45},    {"hubei", 45},
      {"hunan", 40},       {"hebei", 40},         {"sichuan", 40},   {"jiangxi", 40},
      {"shanghai", 20},    {"liaoning", 20},      {"guangxi", 20},   {"chongqing", 18},
      {"shaanxi", 18},     {"tianjin", 15},       {"yunnan", 15},    {"shanxi", 15},
      {"guizhou", 12},     {"inner-mongolia", 9}, {"beijing", 8},    {"jilin", 8},
      {"heilongjiang", 8}, {"xinjiang", 8},       {"gansu", 6},      {"ningxia", 3},
      {"hainan", 2},       {"qinghai", 1},        {"tibet", 0.5},
  };
  return *regions;
}

std::vector<double> WeightsOf(const std::vector<WeightedName>& names) {
  std::vector<double> weights;
  weights.reserve(names.size());
  for (const WeightedName& n : names) weights.push_back(n.weight);
  return weights;
}

}  // namespace ftel
