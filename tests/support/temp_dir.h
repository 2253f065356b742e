// A scratch directory removed at the end of the test, and file writing into it.
#ifndef FTEL_TESTS_SUPPORT_TEMP_DIR_H_
#define FTEL_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace ftel {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name and returns the full path.
  std::string WriteFile(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

// The repository's config/ directory (for the catalogue and demo configs).
std::string SourceConfigDir();

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_TEMP_DIR_H_
