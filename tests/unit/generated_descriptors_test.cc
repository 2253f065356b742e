// In a process of its own (no other test may build descriptors first):
// loading the agent's config and encoding and decoding its messages build
// none of protobuf's generated descriptors (transient_reflection.h), which
// would stay on the edge agent's heap for its life.
#include <string>

#include "agent/agent_config.h"
#include "ftel/v1/agent_config.pb.h"
#include "ftel/v1/commit.pb.h"
#include "ftel/v1/report.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

bool Built(const std::string& file) {
  return google::protobuf::DescriptorPool::generated_pool()->InternalIsFileLoaded(file);
}

TEST(GeneratedDescriptors, TheAgentsConfigAndWireMessagesBuildNone) {
  absl::StatusOr<LoadedAgentConfig> loaded =
      LoadAgentConfig(SourceConfigDir() + "/demo/suzhou-electronics.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_GT(loaded->config.scenarios_size(), 0);

  v1::Report report;
  report.mutable_identity()->set_factory_id(loaded->config.identity().factory_id());
  report.add_scenarios()->set_catalogue_id("PM-02");
  v1::Report decoded;
  ASSERT_TRUE(decoded.ParseFromString(report.SerializeAsString()));
  v1::NodeCommit commit;
  commit.mutable_identity()->set_node_id("edge-1");
  v1::NodeCommit commit_decoded;
  ASSERT_TRUE(commit_decoded.ParseFromString(commit.SerializeAsString()));
  EXPECT_EQ(commit_decoded.identity().node_id(), "edge-1");
  EXPECT_EQ(decoded.identity().factory_id(), "suzhou-electronics");

  for (const char* file : {"ftel/v1/agent_config.proto", "ftel/v1/report.proto",
                           "ftel/v1/broker_config.proto", "ftel/v1/commit.proto"}) {
    EXPECT_FALSE(Built(file)) << file;
  }
  // The check can fail: reflecting on a generated type builds its file.
  EXPECT_NE(v1::AgentConfig::descriptor(), nullptr);
  EXPECT_TRUE(Built("ftel/v1/agent_config.proto"));
}

}  // namespace
}  // namespace ftel
