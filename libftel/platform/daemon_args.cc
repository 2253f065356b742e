#include "libftel/platform/daemon_args.h"

#include <cstdio>
#include <cstring>

namespace ftel {

std::optional<int> ParseDaemonArgs(int argc, char** argv, const char* program,
                                   std::string* config_path) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      *config_path = argv[++i];
    } else if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s %s\n", program, FTEL_VERSION);
      return 0;
    } else {
      config_path->clear();
      break;
    }
  }
  if (config_path->empty()) {
    std::fprintf(stderr, "usage: %s --config FILE\n       %s --version\n", program, program);
    return 2;
  }
  return std::nullopt;
}

}  // namespace ftel
