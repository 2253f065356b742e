// ToJson writes most ftel messages itself rather than through protobuf's
// JSON printer; here the two are held equal on every ftel message type,
// filled at random (edge doubles, escapes, unset optional fields, unknown
// enum values, empty and full repeated fields).
#include "libftel/schema/proto_json.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ftel/v1/agent_config.pb.h"
#include "ftel/v1/aggregator_config.pb.h"
#include "ftel/v1/commit.pb.h"
#include "ftel/v1/report.pb.h"
#include "ftel/v1/sparkplug_b.pb.h"
#include "ftel/v1/status.pb.h"
#include "ftel/v1/summary.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace ftel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : random_(seed) {}

  void Fill(Message* message, int depth) {
    const Descriptor* type = message->GetDescriptor();
    const Reflection& reflection = *message->GetReflection();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (Chance(0.3)) continue;  // left unset
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth >= 4) continue;
      if (field->is_repeated()) {
        const int count = static_cast<int>(random_() % 4);
        for (int j = 0; j < count; ++j) AddOne(message, reflection, field, depth);
      } else {
        SetOne(message, reflection, field, depth);
      }
    }
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }

  template <typename T>
  T Pick(const std::vector<T>& values) {
    return values[random_() % values.size()];
  }

  double Double() {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> edges = {0.0,
                                       -0.0,
                                       1.0,
                                       0.1,
                                       1.0 / 3,
                                       45.0,
                                       1e-7,
                                       1e21,
                                       1e22,
                                       -2.5,
                                       1.7e308,
                                       5e-324,
                                       inf,
                                       -inf,
                                       std::nan(""),
                                       123456789.125,
                                       0.30000000000000004,
                                       99.99999999999999};
    if (Chance(0.5)) return Pick(edges);
    return std::uniform_real_distribution<double>(-1e6, 1e6)(random_);
  }

  std::string String() {
    const std::vector<std::string> texts = {"",
                                            "suzhou-electronics",
                                            "Foshan Home Appliances",
                                            "a\"quote",
                                            "back\\slash",
                                            "<tag>&amp;",
                                            "line\nbreak\ttab",
                                            std::string("nul\0byte", 8),
                                            "\x7f\x01",
                                            "苏州电子厂",
                                            "e\xcc\x81",
                                            "\xe2\x80\xa8",
                                            "PO-05",
                                            "x/y:z,(1)+#@%",
                                            "'single'",
                                            "\xef\xbb\xbf"};
    return Pick(texts);
  }

  int64_t Int64() {
    return Pick<int64_t>({0, 1, -1, 42, std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min(), 1700000000000});
  }
  uint64_t UInt64() {
    return Pick<uint64_t>({0, 1, 42, std::numeric_limits<uint64_t>::max(), 0xfedcba9876543210ULL});
  }
  int32_t Int32() {
    return Pick<int32_t>({0, 1, -1, std::numeric_limits<int32_t>::min(), 1 << 30});
  }
  uint32_t UInt32() { return Pick<uint32_t>({0, 1, 7, std::numeric_limits<uint32_t>::max()}); }
  float Float() { return Pick<float>({0.0f, 0.1f, 1.5f, 3.4e38f, -1e-30f, 1.0f / 3}); }
  int Enum(const FieldDescriptor* field) {
    const auto* type = field->enum_type();
    if (Chance(0.15) && type->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3) {
      return 9999;
    }  // a value this build does not name
    return type->value(static_cast<int>(random_() % type->value_count()))->number();
  }

  void SetOne(Message* message, const Reflection& r, const FieldDescriptor* field, int depth) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        r.SetInt32(message, field, Int32());
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        r.SetUInt32(message, field, UInt32());
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        r.SetInt64(message, field, Int64());
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        r.SetUInt64(message, field, UInt64());
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        r.SetDouble(message, field, Double());
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        r.SetFloat(message, field, Float());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        r.SetBool(message, field, Chance(0.5));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        r.SetEnumValue(message, field, Enum(field));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        r.SetString(message, field, String());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(r.MutableMessage(message, field), depth + 1);
        break;
    }
  }

  void AddOne(Message* message, const Reflection& r, const FieldDescriptor* field, int depth) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        r.AddInt32(message, field, Int32());
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        r.AddUInt32(message, field, UInt32());
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        r.AddInt64(message, field, Int64());
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        r.AddUInt64(message, field, UInt64());
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        r.AddDouble(message, field, Double());
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        r.AddFloat(message, field, Float());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        r.AddBool(message, field, Chance(0.5));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        r.AddEnumValue(message, field, Enum(field));
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        r.AddString(message, field, String());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(r.AddMessage(message, field), depth + 1);
        break;
    }
  }

  std::mt19937 random_;
};

// Every message type of the ftel schema files this test links.
std::vector<const Descriptor*> FtelMessageTypes() {
  std::vector<const google::protobuf::FileDescriptor*> files = {
      v1::FactorySummary::descriptor()->file(),    v1::Report::descriptor()->file(),
      v1::NodeStatus::descriptor()->file(),        v1::AgentConfig::descriptor()->file(),
      v1::AggregatorConfig::descriptor()->file(),  v1::NodeCommit::descriptor()->file(),
      v1::sparkplug::Payload::descriptor()->file()};
  const auto* state = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
      "ftel/v1/aggregator_state.proto");
  if (state != nullptr) files.push_back(state);
  std::vector<const Descriptor*> types;
  std::vector<const Descriptor*> pending;
  for (const auto* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) pending.push_back(file->message_type(i));
  }
  while (!pending.empty()) {
    const Descriptor* type = pending.back();
    pending.pop_back();
    if (type->options().map_entry()) continue;
    types.push_back(type);
    for (int i = 0; i < type->nested_type_count(); ++i) pending.push_back(type->nested_type(i));
  }
  return types;
}

TEST(ProtoJson, TheDirectWriterPrintsWhatProtobufPrintsForEveryFtelMessageType) {
  const std::vector<const Descriptor*> types = FtelMessageTypes();
  ASSERT_GE(types.size(), 30u);
  int compared = 0;
  for (const Descriptor* type : types) {
    const Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
    ASSERT_NE(prototype, nullptr) << type->full_name();
    for (uint32_t seed = 0; seed < 60; ++seed) {
      std::unique_ptr<Message> message(prototype->New());
      if (seed > 0) RandomFiller(seed * 7919 + compared).Fill(message.get(), 0);
      ASSERT_EQ(ToJson(*message), ToJsonWithProtobuf(*message))
          << type->full_name() << " seed " << seed << "\n"
          << message->DebugString();
      ++compared;
    }
  }
  EXPECT_EQ(compared, static_cast<int>(types.size()) * 60);
}

TEST(ProtoJson, AFullFactorySummaryPrintsTheSameEitherWay) {
  v1::FactorySummary summary;
  summary.set_factory_id("suzhou-electronics");
  summary.set_factory_name("苏州 \"Electronics\" <Works>");
  summary.mutable_declared()->set_numerator(27);
  summary.mutable_declared()->set_denominator(60);
  summary.mutable_declared()->set_percent(45);
  summary.mutable_production()->set_oee_percent(76.54321);
  summary.set_last_window_end_ms(1764547200000);
  for (int i = 0; i < 40; ++i) {
    v1::ScenarioSummary* scenario = summary.add_scenarios();
    scenario->set_id("PO-" + std::to_string(i));
    scenario->set_built(i % 2 == 0);
    if (i % 3 == 0) scenario->set_last_evidence_ms(1764547200000 + i);
  }
  const std::string json = ToJson(summary);
  EXPECT_EQ(json, ToJsonWithProtobuf(summary));
  v1::FactorySummary back;
  ASSERT_TRUE(FromJson(json, &back).ok());
  EXPECT_EQ(back.SerializeAsString(), summary.SerializeAsString());
}

// Whole numbers skip printf; they must come out as protobuf prints them,
// and so must the edges of that path.
TEST(ProtoJson, DoublesAtTheEdgesOfTheIntegerPathPrintAsProtobufPrintsThem) {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           42.0,
                           1e15 - 1,
                           1e15,
                           -1e15,
                           123456789012345.0,
                           9007199254740993.0,
                           1e300,
                           0.1,
                           1.0 / 3.0,
                           2.5,
                           -7.25,
                           5e-324,
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest()};
  for (double value : values) {
    v1::Ratio ratio;
    ratio.set_numerator(value);
    ratio.set_percent(value);
    EXPECT_EQ(ToJson(ratio), ToJsonWithProtobuf(ratio)) << value;
    std::string appended;
    AppendJsonDouble(value, &appended);
    v1::Ratio back;
    ASSERT_TRUE(FromJson(absl::StrCat("{\"numerator\":", appended, "}"), &back).ok()) << appended;
    EXPECT_EQ(back.numerator(), value) << appended;
  }
  std::string negative_zero;
  AppendJsonDouble(-0.0, &negative_zero);
  EXPECT_EQ(negative_zero, "-0");  // as printf writes it (protobuf reads it back as 0)
}

}  // namespace
}  // namespace ftel
