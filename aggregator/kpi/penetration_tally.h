// One group's penetration (pooled rate, per-factory distribution, MIIT
// marks), kept up to date as its factories' counts come and go, so that a
// change costs O(log D) and reading the result O(1) whatever the group's
// size. D is the number of distinct per-factory percentages: the counts are
// scenario counts, so they are fractions n/d with d at most the catalogue's
// 40 scenarios (fewer than 500 values).
//
//   PenetrationTally declared;
//   declared.Add(3, 5);      // a factory with 3 of its 5 built scenarios declared
//   declared.Add(1, 2);
//   declared.Remove(3, 5);   // its counts changed: out with the old ...
//   declared.Add(4, 5);      // ... in with the new
//   v1::GroupPenetration p = declared.ToProto();  // pooled 5/7, median 65%
#ifndef FTEL_AGGREGATOR_KPI_PENETRATION_TALLY_H_
#define FTEL_AGGREGATOR_KPI_PENETRATION_TALLY_H_

#include <cstdint>
#include <map>

#include "ftel/v1/summary.pb.h"

namespace ftel {

class PenetrationTally {
 public:
  // One factory's (numerator, denominator): whole counts, so that removing
  // them again is exact. A pair with denominator 0 is pooled but not part of
  // the distribution or the marks.
  void Add(double numerator, double denominator);
  // A pair added before, with the same values.
  void Remove(double numerator, double denominator);

  // The pooled ratio; min, median (the mean of the middle two for an even
  // count) and max percent; the factories at or above 20, 60 and 70 %
  // (exactly: numerator * 100 >= mark * denominator, so that 1/5 meets 20 %).
  v1::GroupPenetration ToProto() const;

 private:
  void Insert(double percent);
  void Erase(double percent);
  void Rebalance();
  void Count(double numerator, double denominator, bool add);

  double numerator_ = 0;
  double denominator_ = 0;
  uint32_t at_or_above_20_ = 0;
  uint32_t at_or_above_60_ = 0;
  uint32_t at_or_above_70_ = 0;
  // The percentages, split at the median: every value of lower_ is at most
  // every value of upper_, and lower_ holds as many as upper_ or one more.
  // Each maps a percentage to how many factories have it.
  std::map<double, uint32_t> lower_;
  std::map<double, uint32_t> upper_;
  uint32_t lower_size_ = 0;
  uint32_t upper_size_ = 0;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_KPI_PENETRATION_TALLY_H_
