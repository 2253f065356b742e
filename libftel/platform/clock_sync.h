// Whether the wall clock has been set right (by NTP, say): a gateway without
// a clock battery boots with a wrong time. Checked by the agent before it
// stamps a window (docs/operations.md#clocks).
//
//   std::unique_ptr<ClockSyncCheck> sync = KernelClockSync();
//   if (!sync->Synchronized()) hold the window;
#ifndef FTEL_LIBFTEL_PLATFORM_CLOCK_SYNC_H_
#define FTEL_LIBFTEL_PLATFORM_CLOCK_SYNC_H_

#include <memory>
#include <string>

namespace ftel {

// Thread-compatible; cheap enough to ask several times a second.
class ClockSyncCheck {
 public:
  virtual ~ClockSyncCheck() = default;
  virtual bool Synchronized() const = 0;
};

// The kernel's NTP status (adjtimex): synchronised once chrony, ntpd or
// systemd-timesyncd has set the clock and cleared STA_UNSYNC.
std::unique_ptr<ClockSyncCheck> KernelClockSync();

// Synchronised while `path` exists (systemd-timesyncd touches
// /run/systemd/timesync/synchronized once it has set the clock).
std::unique_ptr<ClockSyncCheck> FileClockSync(std::string path);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_PLATFORM_CLOCK_SYNC_H_
