// Keeps one MQTT connection up for a daemon: rotates through the broker's URI
// and its failover URIs, waits a jittered exponential backoff between
// attempts (so a fleet does not reconnect in the same millisecond), notices
// a lost connection from the transport's thread, and logs one warning when
// an outage starts, a reminder with the attempts made and the last cause
// every minute while it lasts (each attempt at debug level), rather than one
// warning per attempt. What a daemon does on every new
// connection (announce itself, subscribe, re-offer what it publishes) is its
// on-connected hook. A connection made by an earlier BrokerConnection on the
// same transport (a config reload) is taken over as it is: the hook runs
// with an empty URI.
//
//   BrokerConnection connection(config.broker(), transport, &clock, seed,
//                               {.prepare = ..., .on_connected = ...});
//   while (!stop.requested()) {
//     connection.Maintain();   // connects when due
//     ...
//   }
#ifndef FTEL_LIBFTEL_MQTT_BROKER_CONNECTION_H_
#define FTEL_LIBFTEL_MQTT_BROKER_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ftel/v1/broker_config.pb.h"
#include "libftel/mqtt/mqtt_transport.h"
#include "libftel/platform/clock.h"
#include "libftel/platform/reconnect_backoff.h"

namespace ftel {

struct BrokerConnectionHooks {
  // Adjusts each attempt's options (a fresh Last Will, a persistent session).
  std::function<void(MqttConnectOptions* options)> prepare;
  // Runs on the caller's thread after every successful CONNECT, and once
  // with an empty URI when a connection is taken over. An error
  // disconnects again and counts as a failed attempt, so the hook runs again
  // on the next one (a subscription is never left half made).
  std::function<absl::Status(const std::string& uri)> on_connected;
  // Runs on the transport's thread when the connection drops (after the
  // loss is noted); must not block. Typically wakes the daemon's loop.
  std::function<void()> on_lost;
  // Appended to the outage warning, e.g. "; reports are kept in the spool".
  std::string outage_note;
};

// Maintain() and the accessors belong to one thread (the daemon's loop);
// only the transport's connection-lost callback runs elsewhere.
class BrokerConnection {
 public:
  // `transport` and `clock` are borrowed and must outlive the connection;
  // the transport's connection-lost handler is taken over here, at
  // construction. `seed`
  // jitters the backoff (give each process its own).
  BrokerConnection(const v1::BrokerConfig& broker, MqttTransport* transport, const Clock* clock,
                   uint64_t seed, BrokerConnectionHooks hooks);
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Makes one connection attempt if disconnected and the backoff has run
  // out. Returns whether the transport is connected afterwards.
  bool Maintain();
  // When the next attempt is due, on the clock's monotonic milliseconds;
  // only meaningful while disconnected.
  int64_t next_attempt_ms() const { return next_attempt_ms_; }
  // Successful connections so far (the first one included).
  uint64_t connects() const { return connects_; }
  // The URI the next attempt goes to: the current connection's while it
  // lasts (a lost connection is retried there first), the next failover
  // URI after a failed attempt.
  const std::string& next_uri() const { return uris_[next_uri_]; }

 private:
  bool Attempt();
  // Runs the on-connected hook for a connection this object did not make.
  bool TakeOver();

  const v1::BrokerConfig& broker_;
  MqttTransport* const transport_;
  const Clock* const clock_;
  const BrokerConnectionHooks hooks_;
  std::vector<std::string> uris_;
  size_t next_uri_ = 0;
  ReconnectBackoff backoff_;
  int64_t next_attempt_ms_ = 0;
  // Monotonic ms of the first failed attempt of the current outage; -1 while
  // connected or before the first attempt.
  int64_t offline_since_ms_ = -1;
  int64_t reminded_at_ms_ = 0;
  uint64_t failed_attempts_ = 0;
  uint64_t connects_ = 0;
  // Whether the on-connected hook ran for the current connection.
  bool announced_ = false;
  std::atomic<bool> lost_{false};
};

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_BROKER_CONNECTION_H_
