#include "libftel/platform/clock_sync.h"

#include <sys/stat.h>
#include <sys/timex.h>

namespace ftel {
namespace {

class KernelSync : public ClockSyncCheck {
 public:
  bool Synchronized() const override {
    struct timex status = {};  // modes 0: read only
    const int state = adjtimex(&status);
    return state != -1 && state != TIME_ERROR && (status.status & STA_UNSYNC) == 0;
  }
};

class FileSync : public ClockSyncCheck {
 public:
  explicit FileSync(std::string path) : path_(std::move(path)) {}
  bool Synchronized() const override {
    struct stat info;
    return stat(path_.c_str(), &info) == 0;
  }

 private:
  const std::string path_;
};

}  // namespace

std::unique_ptr<ClockSyncCheck> KernelClockSync() { return std::make_unique<KernelSync>(); }

std::unique_ptr<ClockSyncCheck> FileClockSync(std::string path) {
  return std::make_unique<FileSync>(std::move(path));
}

}  // namespace ftel
