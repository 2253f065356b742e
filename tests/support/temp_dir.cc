#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace ftel {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/ftel-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  // FTEL_KEEP_TEST_DIRS=1 keeps the logs and files of a failed run to look at.
  if (std::getenv("FTEL_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::WriteFile(const std::string& name, const std::string& contents) const {
  const std::string full = path_ + "/" + name;
  std::ofstream(full, std::ios::binary) << contents;
  return full;
}

std::string SourceConfigDir() { return FTEL_SOURCE_DIR "/config"; }

}  // namespace ftel
