// One copy of each string that many nodes hold alike (scenario ids, links,
// unknown reasons), counted by its holders and freed with the last of them,
// so that a scenario costs a node a pointer instead of a string. A string no
// holder has left (a custom id that no report names any more) is gone, so
// what a publisher sends cannot grow the pool beyond what the state holds.
//
//   StringPool pool;
//   const std::string* id = pool.Acquire("PM-02");   // "PM-02", one holder
//   pool.Release(id);                                // freed
#ifndef FTEL_AGGREGATOR_STATE_STRING_POOL_H_
#define FTEL_AGGREGATOR_STATE_STRING_POOL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"

namespace ftel {

// Not thread-safe: owned with the state that holds its strings.
class StringPool {
 public:
  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  // The pooled copy of `text`, with one more holder; null for the empty
  // string, which is not pooled. The pointer stays valid until its last
  // holder releases it.
  const std::string* Acquire(absl::string_view text);
  // One holder less (null: nothing).
  void Release(const std::string* pooled);
  // A pooled string's text; "" for null.
  static const std::string& Text(const std::string* pooled);

  // Distinct strings held.
  size_t size() const { return holders_.size(); }

 private:
  // Nodes keep their address: the pointers handed out point at the keys.
  absl::node_hash_map<std::string, uint32_t> holders_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_STATE_STRING_POOL_H_
