// How a fuzzer's bytes become an MQTT message for the aggregator: the first
// byte picks the topic (so that the fuzzer explores reports, statuses,
// peers' cluster deltas, foreign topics and identity mismatches), the rest
// is the payload.
#ifndef FTEL_TESTS_FUZZ_FUZZ_INPUT_H_
#define FTEL_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

inline MqttMessage FuzzMessage(const uint8_t* data, size_t size) {
  static const char* const kTopics[] = {
      "ftel/v1/node/f1/n1/report",  "ftel/v1/node/f1/n1/status", "ftel/v1/node/f2/n1/report",
      "ftel/v1/node/f1/n2/status",  "ftel/v1/rates/fleet",       "ftel/v1/node/f1/n1/other",
      "ftel/v1/cluster/peer/delta", "ftel/v1/cluster/me/delta",
  };
  constexpr size_t kTopicCount = sizeof(kTopics) / sizeof(kTopics[0]);
  MqttMessage message;
  message.topic = kTopics[size == 0 ? 0 : data[0] % kTopicCount];
  if (size > 1) message.payload.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  return message;
}

// The first byte that selects `topic_index` in FuzzMessage.
inline char FuzzSelector(int topic_index) { return static_cast<char>(topic_index); }

}  // namespace ftel

#endif  // FTEL_TESTS_FUZZ_FUZZ_INPUT_H_
