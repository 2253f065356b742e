#include "agent/sources/poll_loop.h"

#include <system_error>

#include "absl/strings/str_cat.h"
#include "libftel/platform/clock.h"

namespace ftel {

PollLoop::PollLoop(std::string name, absl::Duration interval, std::function<void()> poll)
    : name_(std::move(name)), interval_(interval), poll_(std::move(poll)) {}

PollLoop::~PollLoop() { Stop(); }

absl::Status PollLoop::Start() {
  try {
    thread_ = std::thread([this] {
      SystemClock clock;
      while (!stop_) {
        const int64_t started_ms = clock.MonotonicMs();
        poll_();
        const int64_t next_ms = started_ms + absl::ToInt64Milliseconds(interval_);
        for (int64_t now = clock.MonotonicMs(); !stop_ && now < next_ms;
             now = clock.MonotonicMs()) {
          wake_.WaitFor(absl::Milliseconds(next_ms - now));
        }
      }
    });
  } catch (const std::system_error& error) {
    return absl::InternalError(
        absl::StrCat("source ", name_, ": cannot start its polling thread: ", error.what()));
  }
  return absl::OkStatus();
}

void PollLoop::Stop() {
  stop_ = true;
  wake_.Ring();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ftel
