// Numbers read back from a program's log, for tests that check what a
// process says it did (its "stopped: ..." summary, say).
//
//   uint64_t left = NumberBefore(agent->Log(), " left in the spool");
#ifndef FTEL_TESTS_SUPPORT_LOG_NUMBERS_H_
#define FTEL_TESTS_SUPPORT_LOG_NUMBERS_H_

#include <cstdint>
#include <string>

namespace ftel {

// The number right after `prefix` in the last line holding it, e.g.
// "last sequence 42"; 0 if there is none.
uint64_t NumberAfter(const std::string& log, const std::string& prefix);
// The number right before `suffix` in the last line holding it, e.g.
// "3 left in the spool"; 0 if there is none.
uint64_t NumberBefore(const std::string& log, const std::string& suffix);
// How many lines hold `text`.
int CountLinesWith(const std::string& log, const std::string& text);

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_LOG_NUMBERS_H_
