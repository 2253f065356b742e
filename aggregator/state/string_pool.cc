#include "aggregator/state/string_pool.h"

#include <cstdlib>

namespace ftel {

const std::string* StringPool::Acquire(absl::string_view text) {
  if (text.empty()) return nullptr;
  // Looked up by the view: a string already held is not copied.
  auto it = holders_.find(text);
  if (it == holders_.end()) it = holders_.emplace(std::string(text), 0).first;
  ++it->second;
  return &it->first;
}

void StringPool::Release(const std::string* pooled) {
  if (pooled == nullptr) return;
  auto it = holders_.find(*pooled);
  // A pointer this pool did not hand out is a bug in its holder.
  if (it == holders_.end() || &it->first != pooled || it->second == 0) std::abort();
  if (--it->second == 0) holders_.erase(it);
}

const std::string& StringPool::Text(const std::string* pooled) {
  static const std::string* const kEmpty = new std::string();
  return pooled == nullptr ? *kEmpty : *pooled;
}

}  // namespace ftel
