// The MQTT client as ftel uses it: a small interface so that programs can be
// tested against a fake, with the Paho implementation in paho_mqtt_transport.
// Errors are absl::Status values; no exception crosses this interface.
//
//   std::unique_ptr<MqttTransport> mqtt = NewPahoMqttTransport(uri, "ftel-agent-f1-n1");
//   RETURN_IF_ERROR(mqtt->Connect(options));
//   mqtt->Publish({topic, payload, 1, false}, [](absl::Status acked) { ... });
#ifndef FTEL_LIBFTEL_MQTT_MQTT_TRANSPORT_H_
#define FTEL_LIBFTEL_MQTT_MQTT_TRANSPORT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ftel {

struct MqttMessage {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retained = false;
};

struct MqttTls {
  std::string ca_file;
  // Client certificate and key for mutual TLS; empty for none.
  std::string cert_file;
  std::string key_file;
  bool verify_hostname = true;
};

struct MqttConnectOptions {
  // The broker for this attempt; empty means the URI the transport was made with.
  std::string server_uri;
  std::string username;
  std::string password;
  // Required for ssl:// URIs.
  std::optional<MqttTls> tls;
  int keep_alive_s = 30;
  int connect_timeout_s = 10;
  bool clean_session = true;
  // Last Will, registered with this CONNECT.
  std::optional<MqttMessage> will;
  // Each packet leaves at once (TCP_NODELAY) instead of waiting, under
  // Nagle's algorithm, for the ACK of an earlier small one. The aggregator
  // sets it: it acknowledges each report with a PUBACK the broker does not
  // answer, so the results it publishes next would wait for the broker's
  // delayed ACK (40 ms). The agent leaves it off: Nagle merges a backlog's
  // reports into fewer segments, and 40 ms are nothing to a report's window.
  bool no_delay = false;
};

// Thread-safe. Handlers run on the transport's own thread and must not block.
class MqttTransport {
 public:
  // Takes the message, so that a handler can keep it without a copy.
  using MessageHandler = std::function<void(MqttMessage)>;
  using ConnectionLostHandler = std::function<void(const std::string& cause)>;
  // Called once per Publish: OK when the broker acknowledged (QoS 1) or the
  // message was written (QoS 0), an error otherwise.
  using DoneCallback = std::function<void(absl::Status)>;

  virtual ~MqttTransport() = default;

  // Blocks until connected or failed. Unavailable names the broker and cause.
  virtual absl::Status Connect(const MqttConnectOptions& options) = 0;
  // Sends DISCONNECT (no Will is published) and waits up to `timeout`. Every
  // publish not acknowledged by then is reported failed before it returns:
  // no done callback runs after Disconnect, so their owners may go.
  virtual absl::Status Disconnect(absl::Duration timeout) = 0;
  // Waits up to `timeout` for the broker to acknowledge every publish in
  // flight, then reports the rest failed, and stays connected: no done
  // callback of an earlier Publish runs after it returns, so their owners
  // may go while the connection passes to a new owner (a config reload).
  virtual void SettlePublishes(absl::Duration timeout) = 0;
  virtual bool IsConnected() const = 0;
  // Starts a publish; `done` is called exactly once.
  virtual void Publish(const MqttMessage& message, DoneCallback done) = 0;
  // Blocks until the broker granted the subscription. PermissionDenied when
  // the broker refused it (its ACL).
  virtual absl::Status Subscribe(const std::string& filter, int qos) = 0;

  // Set before Connect, or replaced while connected by a new owner of the
  // connection; null for none. Once it returns, the previous handler is not
  // running and is not called again.
  virtual void SetMessageHandler(MessageHandler handler) = 0;
  virtual void SetConnectionLostHandler(ConnectionLostHandler handler) = 0;
};

// Publishes and waits for the outcome, at most `timeout`.
absl::Status PublishAndWait(MqttTransport& transport, const MqttMessage& message,
                            absl::Duration timeout);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_MQTT_TRANSPORT_H_
