// The sum of a group's ISO 22400 element totals, kept up to date as members
// change: a member's change re-adds its block of 16 members and the
// O(log n) partial sums above it, never the whole group. The totals are
// fractional (seconds, kWh), so the sum is never corrected by subtracting a
// member's old totals, which would drift and could leave Inf - Inf.
//
//   ElementTotalsTree tree;
//   size_t slot = tree.Insert(&facts.totals);  // the pointer must stay valid
//   facts.totals = ...;                        // changed in place
//   tree.Update(slot);
//   tree.Erase(slot);
//   const ElementTotals& sum = tree.Total();
#ifndef FTEL_AGGREGATOR_ENGINE_ELEMENT_TOTALS_TREE_H_
#define FTEL_AGGREGATOR_ENGINE_ELEMENT_TOTALS_TREE_H_

#include <cstddef>
#include <vector>

#include "aggregator/kpi/production_kpis.h"

namespace ftel {

class ElementTotalsTree {
 public:
  ElementTotalsTree();

  // A new member, read through `member` whenever its block is summed.
  size_t Insert(const ElementTotals* member);
  // The member of `slot` changed.
  void Update(size_t slot);
  void Erase(size_t slot);

  const ElementTotals& Total() const { return sums_[1]; }

 private:
  static constexpr size_t kBlock = 16;
  void SumBlock(size_t block);
  void Grow();

  // By slot; null where free.
  std::vector<const ElementTotals*> members_;
  std::vector<size_t> free_slots_;
  // A binary tree over the blocks, as an array: sums_[1] is the root,
  // sums_[i] the sum of sums_[2i] and sums_[2i+1], and the blocks' own sums
  // are sums_[blocks_ + b].
  std::vector<ElementTotals> sums_;
  size_t blocks_ = 1;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_ENGINE_ELEMENT_TOTALS_TREE_H_
