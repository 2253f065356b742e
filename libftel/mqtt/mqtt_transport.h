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
  // Sends DISCONNECT (no Will is published) and waits up to `timeout`.
  virtual absl::Status Disconnect(absl::Duration timeout) = 0;
  virtual bool IsConnected() const = 0;
  // Starts a publish; `done` is called exactly once.
  virtual void Publish(const MqttMessage& message, DoneCallback done) = 0;
  // Blocks until the broker granted the subscription. PermissionDenied when
  // the broker refused it (its ACL).
  virtual absl::Status Subscribe(const std::string& filter, int qos) = 0;

  // Set before Connect.
  virtual void SetMessageHandler(MessageHandler handler) = 0;
  virtual void SetConnectionLostHandler(ConnectionLostHandler handler) = 0;
};

// Publishes and waits for the outcome, at most `timeout`.
absl::Status PublishAndWait(MqttTransport& transport, const MqttMessage& message,
                            absl::Duration timeout);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_MQTT_TRANSPORT_H_
