#include "aggregator/kpi/rate_math.h"

namespace ftel {

v1::Ratio MakeRatio(double numerator, double denominator) {
  v1::Ratio ratio;
  ratio.set_numerator(numerator);
  ratio.set_denominator(denominator);
  if (denominator != 0) ratio.set_percent(100.0 * numerator / denominator);
  return ratio;
}

}  // namespace ftel
