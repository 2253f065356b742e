// Env::LockFile on the real filesystem and on the test fake: one holder.
#include "libftel/platform/env.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/fake_env.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

// A second lock of `path` is refused, naming it, until the first is gone.
void ExpectOneHolderAtATime(Env& env, const std::string& path) {
  absl::StatusOr<std::unique_ptr<FileLock>> first = env.LockFile(path);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(env.FileExists(path));

  const absl::StatusOr<std::unique_ptr<FileLock>> second = env.LockFile(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(second.status().message(), path + ": held by another process");

  first->reset();
  const absl::StatusOr<std::unique_ptr<FileLock>> again = env.LockFile(path);
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST(PosixEnv, LockFileHasOneHolderAtATime) {
  TempDir dir;
  ExpectOneHolderAtATime(*Env::Default(), dir.path() + "/LOCK");
}

TEST(PosixEnv, LockFileLocksAPathOnlyNotItsNeighbours) {
  TempDir dir;
  auto a = Env::Default()->LockFile(dir.path() + "/LOCK-a");
  auto b = Env::Default()->LockFile(dir.path() + "/LOCK-b");
  EXPECT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(b.ok()) << b.status();
}

TEST(PosixEnv, LockFileInAMissingDirectoryIsNotFoundNamingThePath) {
  TempDir dir;
  const std::string path = dir.path() + "/missing/LOCK";
  const absl::StatusOr<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StartsWith(lock.status().message(), path + ": ")) << lock.status();
}

TEST(FakeEnv, LockFileHasOneHolderAtATime) {
  FakeEnv env;
  ExpectOneHolderAtATime(env, "/spool/LOCK");
}

TEST(FakeEnv, LockFileLocksAPathOnlyNotItsNeighbours) {
  FakeEnv env;
  auto a = env.LockFile("/spool-a/LOCK");
  auto b = env.LockFile("/spool-b/LOCK");
  EXPECT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(b.ok()) << b.status();
}

}  // namespace
}  // namespace ftel
