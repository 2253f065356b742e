// Sparkplug B payloads for the mqtt source's unit tests, built with the
// source's own generated messages (the integration test uses Tahu's encoder).
//
//   std::string birth = NodeBirth(/*seq=*/0, /*bd_seq=*/3, {{"Counters/Good", 7, 100}});
#ifndef FTEL_TESTS_SOURCES_MQTT_SPARKPLUG_TEST_PAYLOADS_H_
#define FTEL_TESTS_SOURCES_MQTT_SPARKPLUG_TEST_PAYLOADS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ftel/v1/sparkplug_b.pb.h"

namespace ftel {

struct TestMetric {
  std::string name;  // empty: by alias only
  uint64_t alias = 0;
  double value = 0;
};

inline v1::sparkplug::Payload TestPayload(std::optional<uint64_t> seq,
                                          const std::vector<TestMetric>& metrics) {
  v1::sparkplug::Payload payload;
  payload.set_timestamp(1700000000000);
  if (seq) payload.set_seq(*seq);
  for (const TestMetric& m : metrics) {
    v1::sparkplug::Payload::Metric* metric = payload.add_metrics();
    if (!m.name.empty()) metric->set_name(m.name);
    metric->set_alias(m.alias);
    metric->set_datatype(v1::sparkplug::DOUBLE);
    metric->set_double_value(m.value);
  }
  return payload;
}

// NBIRTH/DBIRTH: names and aliases, with bdSeq (NBIRTH) as Sparkplug says.
inline std::string Birth(uint64_t seq, std::optional<uint64_t> bd_seq,
                         const std::vector<TestMetric>& metrics) {
  v1::sparkplug::Payload payload = TestPayload(seq, metrics);
  if (bd_seq) {
    v1::sparkplug::Payload::Metric* bd = payload.add_metrics();
    bd->set_name("bdSeq");
    bd->set_datatype(v1::sparkplug::INT64);
    bd->set_long_value(*bd_seq);
  }
  return payload.SerializeAsString();
}

// NDATA/DDATA by alias only.
inline std::string Data(uint64_t seq, uint64_t alias, double value) {
  return TestPayload(seq, {{"", alias, value}}).SerializeAsString();
}

inline std::string Death(uint64_t bd_seq) {
  v1::sparkplug::Payload payload = TestPayload(std::nullopt, {});
  v1::sparkplug::Payload::Metric* bd = payload.add_metrics();
  bd->set_name("bdSeq");
  bd->set_datatype(v1::sparkplug::INT64);
  bd->set_long_value(bd_seq);
  return payload.SerializeAsString();
}

}  // namespace ftel

#endif  // FTEL_TESTS_SOURCES_MQTT_SPARKPLUG_TEST_PAYLOADS_H_
