#include "aggregator/engine/element_totals_tree.h"

namespace ftel {

ElementTotalsTree::ElementTotalsTree() : members_(kBlock, nullptr), sums_(2) {
  for (size_t slot = kBlock; slot > 0; --slot) free_slots_.push_back(slot - 1);
}

size_t ElementTotalsTree::Insert(const ElementTotals* member) {
  if (free_slots_.empty()) Grow();
  const size_t slot = free_slots_.back();
  free_slots_.pop_back();
  members_[slot] = member;
  Update(slot);
  return slot;
}

void ElementTotalsTree::Erase(size_t slot) {
  members_[slot] = nullptr;
  free_slots_.push_back(slot);
  Update(slot);
}

void ElementTotalsTree::Update(size_t slot) {
  const size_t block = slot / kBlock;
  SumBlock(block);
  for (size_t node = (blocks_ + block) / 2; node >= 1; node /= 2) {
    sums_[node] = sums_[2 * node];
    sums_[node].Add(sums_[2 * node + 1]);
  }
}

void ElementTotalsTree::SumBlock(size_t block) {
  ElementTotals& sum = sums_[blocks_ + block];
  sum = ElementTotals();
  for (size_t slot = block * kBlock; slot < (block + 1) * kBlock; ++slot) {
    if (members_[slot] != nullptr) sum.Add(*members_[slot]);
  }
}

// Twice the blocks, every sum made again: O(n), once per doubling. The
// lowest free slot is taken first.
void ElementTotalsTree::Grow() {
  const size_t old_slots = members_.size();
  blocks_ *= 2;
  members_.resize(blocks_ * kBlock, nullptr);
  for (size_t slot = members_.size(); slot > old_slots; --slot) free_slots_.push_back(slot - 1);
  sums_.assign(2 * blocks_, ElementTotals());
  for (size_t block = 0; block < blocks_; ++block) SumBlock(block);
  for (size_t node = blocks_ - 1; node >= 1; --node) {
    sums_[node] = sums_[2 * node];
    sums_[node].Add(sums_[2 * node + 1]);
  }
}

}  // namespace ftel
