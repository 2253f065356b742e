#include "agent/health_file.h"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libftel/platform/file_io.h"

namespace ftel {

absl::Status WriteHealthFile(const std::string& path, const AgentLiveness& h) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "updated_ms " << h.updated_ms << "\nconnected " << (h.connected ? 1 : 0)
        << "\ndisconnected_since_ms " << h.disconnected_since_ms << "\nspool_pending "
        << h.spool_pending << "\nsampled " << h.sampled << "\nacknowledged " << h.acknowledged
        << "\npublish_interval_ms " << h.publish_interval_ms << "\n";
    if (!out) return ErrnoToStatus(absl::StrCat(tmp, ": write"), errno);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoToStatus(absl::StrCat(path, ": rename"), errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<AgentLiveness> ReadHealthFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path, 4096);
  if (!text.ok()) return text.status();
  std::map<std::string, int64_t> values;
  std::istringstream lines(*text);
  std::string key;
  std::string value;
  while (lines >> key >> value) {
    int64_t number = 0;
    if (!absl::SimpleAtoi(value, &number)) {
      return absl::DataLossError(absl::StrCat(path, ": '", key, "' is not a number"));
    }
    values[key] = number;
  }
  if (values.count("updated_ms") == 0) {
    return absl::DataLossError(absl::StrCat(path, ": no updated_ms"));
  }
  AgentLiveness h;
  h.updated_ms = values["updated_ms"];
  h.connected = values["connected"] != 0;
  h.disconnected_since_ms = values["disconnected_since_ms"];
  h.spool_pending = static_cast<uint64_t>(values["spool_pending"]);
  h.sampled = static_cast<uint64_t>(values["sampled"]);
  h.acknowledged = static_cast<uint64_t>(values["acknowledged"]);
  h.publish_interval_ms = static_cast<uint32_t>(values["publish_interval_ms"]);
  return h;
}

bool IsHealthy(const AgentLiveness& h, int64_t now_ms, std::string* why) {
  const int64_t stale_after_ms = std::max<int64_t>(3 * int64_t{h.publish_interval_ms}, 30000);
  if (now_ms - h.updated_ms > stale_after_ms) {
    *why = absl::StrCat("the agent has not written its health for ", (now_ms - h.updated_ms) / 1000,
                        " s: it is not running, or hung");
    return false;
  }
  if (!h.connected && h.disconnected_since_ms > 0 && now_ms - h.disconnected_since_ms > 300000) {
    *why = absl::StrCat("the broker has been unreachable for ",
                        (now_ms - h.disconnected_since_ms) / 1000, " s (", h.spool_pending,
                        " reports spooled)");
    return false;
  }
  return true;
}

}  // namespace ftel
