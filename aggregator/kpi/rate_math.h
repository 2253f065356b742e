// Ratios of pooled counts. Percentages are only ever derived from pooled
// counts; nothing averages them (a group's distribution and marks:
// aggregator/kpi/penetration_tally.h).
//
//   Ratio r = MakeRatio(3, 5);  // percent 60
#ifndef FTEL_AGGREGATOR_KPI_RATE_MATH_H_
#define FTEL_AGGREGATOR_KPI_RATE_MATH_H_

#include "ftel/v1/summary.pb.h"

namespace ftel {

// percent is left unset when denominator is 0.
v1::Ratio MakeRatio(double numerator, double denominator);

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_KPI_RATE_MATH_H_
