// Builds a loaded agent config in memory for agent unit tests.
#ifndef FTEL_TESTS_UNIT_TEST_AGENT_CONFIG_H_
#define FTEL_TESTS_UNIT_TEST_AGENT_CONFIG_H_

#include <string>

#include "agent/agent_config.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {

// Loads `yaml` (with CATALOGUE replaced by the shipped catalogue's path)
// through the real loader; fails the test if it does not load.
inline LoadedAgentConfig LoadTestAgentConfig(const TempDir& dir, std::string yaml) {
  const std::string marker = "CATALOGUE";
  yaml.replace(yaml.find(marker), marker.size(), SourceConfigDir() + "/scenario-catalogue.tsv");
  auto loaded = LoadAgentConfig(dir.WriteFile("agent.yaml", yaml));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? *std::move(loaded) : LoadedAgentConfig{};
}

}  // namespace ftel

#endif  // FTEL_TESTS_UNIT_TEST_AGENT_CONFIG_H_
