// FillWithTransientReflection against reflecting on the generated message
// itself: the same message, and a broken descriptor set is the build's fault.
#include "libftel/config/transient_reflection.h"

#include <string>

#include "ftel/v1/agent_config.pb.h"
#include "ftel/v1/aggregator_config.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libftel/config/config_descriptor_sets.h"
#include "libftel/config/config_problems.h"
#include "libftel/config/yaml_proto_loader.h"
#include "tests/support/temp_dir.h"

namespace ftel {
namespace {

// Loads `path` both ways and expects the same bytes and the same problems,
// which it returns.
template <typename Config>
absl::Status ExpectTheSameBothWays(absl::string_view descriptor_set, const std::string& type_name,
                                   const std::string& path, size_t min_bytes) {
  Config direct;
  ConfigProblems direct_problems(path);
  LoadYamlFile(path, &direct, &direct_problems);

  Config transient;
  ConfigProblems transient_problems(path);
  const absl::Status filled = FillWithTransientReflection(
      descriptor_set, type_name,
      [&](google::protobuf::Message* copy) { LoadYamlFile(path, copy, &transient_problems); },
      &transient);
  EXPECT_TRUE(filled.ok()) << filled;
  EXPECT_EQ(transient_problems.ToStatus(), direct_problems.ToStatus());
  EXPECT_GE(direct.ByteSizeLong(), min_bytes);  // the file says something
  // Equals, not the bytes: a map's wire order is not fixed.
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(transient, direct))
      << transient.ShortDebugString() << "\n"
      << direct.ShortDebugString();
  return direct_problems.ToStatus();
}

TEST(TransientReflection, AnAgentConfigComesOutAsReflectingOnItsGeneratedType) {
  EXPECT_TRUE(ExpectTheSameBothWays<v1::AgentConfig>(
                  AgentConfigDescriptorSet(), "ftel.v1.AgentConfig",
                  SourceConfigDir() + "/demo/suzhou-electronics.yaml", 1000)
                  .ok());
}

TEST(TransientReflection, AnAggregatorConfigToo) {
  EXPECT_TRUE(ExpectTheSameBothWays<v1::AggregatorConfig>(
                  AggregatorConfigDescriptorSet(), "ftel.v1.AggregatorConfig",
                  SourceConfigDir() + "/demo/aggregator.yaml", 50)
                  .ok());
}

TEST(TransientReflection, ProblemsAreTheSameAsWell) {
  TempDir dir;
  const std::string path = dir.WriteFile(
      "agent.yaml",
      "identity: {factory_id: f1, node_id: n1}\nbroker: {keep_alive_s: many, typo: x}\n"
      "spool: {fsync: SOMETIMES}\npublish_interval_ms: -3\n");
  const absl::Status problems = ExpectTheSameBothWays<v1::AgentConfig>(
      AgentConfigDescriptorSet(), "ftel.v1.AgentConfig", path, 10);
  // Each of the four mistakes is named, on its line.
  EXPECT_NE(problems.message().find("agent.yaml:2: broker.keep_alive_s:"), std::string::npos)
      << problems;
  EXPECT_NE(problems.message().find("agent.yaml:2: broker.typo: unknown key"), std::string::npos)
      << problems;
  EXPECT_NE(problems.message().find("agent.yaml:3: spool.fsync:"), std::string::npos) << problems;
  EXPECT_NE(problems.message().find("agent.yaml:4: publish_interval_ms:"), std::string::npos)
      << problems;
}

TEST(TransientReflection, MapsEnumsListsAndEmptyMessagesToo) {
  TempDir dir;
  const std::string path = dir.WriteFile(
      "agent.yaml",
      "identity: {factory_id: f1, node_id: n1}\nbroker: {}\nspool: {fsync: ALWAYS}\n"
      "scenarios:\n  - {id: PM-02, built: true, ai_declared: true, model_ids: [m1, m2]}\n"
      "  - {id: X-paint, custom: true, link: production, built: true}\n"
      "sources:\n  - {name: counts, type: fixed, fixed: {inference_counts: {m1: 600, m2: 40, "
      "m3: 7}}}\n");
  EXPECT_TRUE(ExpectTheSameBothWays<v1::AgentConfig>(AgentConfigDescriptorSet(),
                                                     "ftel.v1.AgentConfig", path, 20)
                  .ok());
}

// Text that is not UTF-8 would not survive the wire format (protobuf's parse
// of a string field checks it): it is the user's problem, on its line.
TEST(TransientReflection, TextThatIsNotUtf8IsAProblemOnItsLine) {
  TempDir dir;
  const std::string path = dir.WriteFile(
      "agent.yaml", "identity: {factory_id: f1, node_id: n1}\nbroker: {client_id: \"K\xE4se\"}\n");
  const absl::Status problems = ExpectTheSameBothWays<v1::AgentConfig>(
      AgentConfigDescriptorSet(), "ftel.v1.AgentConfig", path, 0);
  EXPECT_NE(problems.message().find("agent.yaml:2: broker.client_id: must be UTF-8 text, got "
                                    "'K\\xe4se'"),
            std::string::npos)
      << problems;
}

TEST(TransientReflection, ABrokenOrWrongDescriptorSetIsAnInternalError) {
  v1::AgentConfig config;
  config.mutable_identity()->set_factory_id("left over");
  int filled = 0;
  const auto fill = [&](google::protobuf::Message*) { ++filled; };

  absl::Status status =
      FillWithTransientReflection("not a descriptor set", "ftel.v1.AgentConfig", fill, &config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(), "the built-in descriptors of ftel.v1.AgentConfig do not parse");

  status = FillWithTransientReflection(AggregatorConfigDescriptorSet(), "ftel.v1.AgentConfig", fill,
                                       &config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status.message(), "the built-in descriptors lack ftel.v1.AgentConfig");

  EXPECT_EQ(filled, 0);
  EXPECT_EQ(config.ByteSizeLong(), 0u);  // cleared all the same
}

}  // namespace
}  // namespace ftel
