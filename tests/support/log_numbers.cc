#include "tests/support/log_numbers.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace ftel {

uint64_t NumberAfter(const std::string& log, const std::string& prefix) {
  const size_t at = log.rfind(prefix);
  uint64_t number = 0;
  if (at != std::string::npos) {
    const std::string rest = log.substr(at + prefix.size());
    (void)absl::SimpleAtoi(rest.substr(0, rest.find_first_not_of("0123456789")), &number);
  }
  return number;
}

uint64_t NumberBefore(const std::string& log, const std::string& suffix) {
  const size_t at = log.rfind(suffix);
  if (at == std::string::npos || at == 0) return 0;
  const size_t start = log.find_last_not_of("0123456789", at - 1) + 1;
  uint64_t number = 0;
  (void)absl::SimpleAtoi(log.substr(start, at - start), &number);
  return number;
}

int CountLinesWith(const std::string& log, const std::string& text) {
  int count = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, text)) ++count;
  }
  return count;
}

}  // namespace ftel
