#include "libftel/mqtt/paho/paho_mqtt_transport.h"

#include <chrono>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libftel/mqtt/paho/paho_trace.h"
#include "libftel/mqtt/paho/tcp_nodelay.h"
#include "libftel/platform/log.h"
#include "mqtt/async_client.h"

namespace ftel {
namespace {

// Publishes Paho may queue while connected, before its thread writes them:
// room for the aggregator offering every result at once after a reconnect.
// Beyond it a publish fails and the caller sends it again later. There is
// no offline buffering: a publish while disconnected fails at once, and the
// callers send again after the reconnect (the agent from its spool, the
// aggregator by offering every result and commit again).
constexpr int kMaxQueuedPublishes = 65535;

// One Publish's outcome, reported exactly once: by Paho when the broker
// acknowledges it or the client fails it, or by the transport when the
// connection it went out on is replaced. Paho's callbacks and the transport
// race for it through the registry; whoever claims it first reports.
class PublishListener;

class PublishRegistry {
 public:
  void Add(PublishListener* listener) {
    absl::MutexLock lock(&mu_);
    pending_.insert(listener);
  }
  // True for the one caller that takes the listener off the registry.
  bool Claim(PublishListener* listener) {
    absl::MutexLock lock(&mu_);
    return pending_.erase(listener) == 1;
  }
  // Waits up to `timeout` for every listener to be claimed.
  void WaitUntilEmpty(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &PublishRegistry::Empty), timeout);
  }
  // Every listener still waiting, now owned by the caller.
  std::unordered_set<PublishListener*> TakeAll() {
    absl::MutexLock lock(&mu_);
    return std::exchange(pending_, {});
  }

 private:
  bool Empty() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_.empty(); }

  absl::Mutex mu_;
  std::unordered_set<PublishListener*> pending_ ABSL_GUARDED_BY(mu_);
};

class PublishListener : public mqtt::iaction_listener {
 public:
  PublishListener(PublishRegistry* registry, MqttTransport::DoneCallback done)
      : registry_(registry), done_(std::move(done)) {}

  void on_success(const mqtt::token&) override { Finish(absl::OkStatus()); }
  void on_failure(const mqtt::token& token) override {
    Finish(absl::UnavailableError(
        absl::StrCat("publish failed (return code ", token.get_return_code(), ")")));
  }
  // For the transport, after TakeAll: reports; the transport frees it once
  // Paho can no longer call it.
  void Abandon(absl::Status status) { done_(std::move(status)); }

 private:
  void Finish(absl::Status status) {
    if (!registry_->Claim(this)) return;  // the transport reports this one
    done_(std::move(status));
    delete this;
  }

  PublishRegistry* const registry_;
  MqttTransport::DoneCallback done_;
};

class PahoMqttTransport : public MqttTransport {
 public:
  PahoMqttTransport(const std::string& uri, const std::string& client_id)
      : uri_(uri), client_id_(client_id) {}

  ~PahoMqttTransport() override {
    std::shared_ptr<mqtt::async_client> current = client();
    if (current != nullptr && current->is_connected()) {
      try {
        current->disconnect(0)->wait_for(std::chrono::seconds(1));
      } catch (const mqtt::exception&) {
      }
    }
    current.reset();
    // No callbacks from here: their owners may be half destroyed already.
    absl::MutexLock lock(&connect_mu_);
    Retire();
    {
      absl::MutexLock client_lock(&client_mu_);
      client_.reset();
    }
    for (PublishListener* listener : settled_listeners_) delete listener;
    for (PublishListener* listener : publishes_.TakeAll()) delete listener;
  }

  absl::Status Connect(const MqttConnectOptions& options) override {
    const std::string target = options.server_uri.empty() ? uri_ : options.server_uri;
    try {
      absl::MutexLock lock(&connect_mu_);
      // Every connection gets a new Paho client. Paho keeps the QoS 1
      // publishes of a lost connection and sends them again on the next
      // (clean_session is false for the broker's session): after a broker
      // restart one went out with an empty topic and freed bytes for a
      // payload, and mosquitto dropped the aggregator ("malformed packet") at
      // every attempt. The callers resend what was not acknowledged, so the
      // old client's unacknowledged publishes are failed here instead.
      Replace(NewClient());
      mqtt::connect_options_builder builder;
      builder.servers(std::make_shared<mqtt::string_collection>(target));
      if (!options.username.empty()) builder.user_name(options.username);
      if (!options.password.empty()) builder.password(options.password);
      {
        absl::MutexLock tls_lock(&tls_error_mu_);
        tls_error_.clear();
      }
      if (options.tls.has_value()) {
        mqtt::ssl_options_builder ssl;
        ssl.trust_store(options.tls->ca_file)
            .enable_server_cert_auth(true)
            .verify(options.tls->verify_hostname)
            .error_handler([this](const std::string& error) {
              absl::MutexLock lock(&tls_error_mu_);
              if (tls_error_.empty()) tls_error_ = error;
            });
        if (!options.tls->cert_file.empty()) {
          ssl.key_store(options.tls->cert_file).private_key(options.tls->key_file);
        }
        builder.ssl(ssl.finalize());
      }
      // MQTT 3.1.1 only: Paho's default falls back to 3.1 after any failed
      // attempt, which hides the real cause in the broker's log.
      builder.mqtt_version(MQTTVERSION_3_1_1)
          .keep_alive_interval(std::chrono::seconds(options.keep_alive_s))
          .connect_timeout(std::chrono::seconds(options.connect_timeout_s))
          .clean_session(options.clean_session)
          .automatic_reconnect(false);
      if (options.will.has_value()) {
        builder.will(mqtt::message(options.will->topic, options.will->payload, options.will->qos,
                                   options.will->retained));
      }
      // Taken before Paho opens its socket, so that the socket is the new one.
      const absl::StatusOr<SocketInodes> sockets_before =
          options.no_delay ? OpenSocketInodes() : SocketInodes();
      mqtt::token_ptr token = client()->connect(builder.finalize());
      if (!token->wait_for(std::chrono::seconds(options.connect_timeout_s + 2))) {
        return absl::DeadlineExceededError(absl::StrCat("connect to ", target, " timed out"));
      }
      // Before any publish or subscribe of ours goes out on the connection.
      if (options.no_delay) DisableNagle(target, sockets_before);
      return absl::OkStatus();
    } catch (const mqtt::exception& e) {
      std::string cause = e.what();
      absl::MutexLock lock(&tls_error_mu_);
      if (!tls_error_.empty()) cause = absl::StrCat("TLS: ", tls_error_, " (", cause, ")");
      return absl::UnavailableError(absl::StrCat("connect to ", target, " failed: ", cause));
    }
  }

  absl::Status Disconnect(absl::Duration timeout) override {
    std::shared_ptr<mqtt::async_client> current = client();
    if (current == nullptr) return absl::OkStatus();
    try {
      const auto ms = absl::ToInt64Milliseconds(timeout);
      current->disconnect(static_cast<int>(ms))->wait_for(std::chrono::milliseconds(ms + 500));
    } catch (const mqtt::exception& e) {
      Detach();
      return absl::UnavailableError(absl::StrCat("disconnect from ", uri_, ": ", e.what()));
    }
    Detach();
    return absl::OkStatus();
  }

  void SettlePublishes(absl::Duration timeout) override {
    publishes_.WaitUntilEmpty(timeout);
    absl::MutexLock lock(&connect_mu_);
    // Paho may still call these; they are freed with the client they went
    // out on.
    for (PublishListener* late : publishes_.TakeAll()) {
      late->Abandon(absl::DeadlineExceededError(
          "not acknowledged before the connection passed to its next owner"));
      settled_listeners_.push_back(late);
    }
  }

  bool IsConnected() const override {
    std::shared_ptr<mqtt::async_client> current = client();
    return current != nullptr && current->is_connected();
  }

  void Publish(const MqttMessage& message, DoneCallback done) override {
    std::shared_ptr<mqtt::async_client> current = client();
    if (current == nullptr) {
      done(absl::FailedPreconditionError(
          "publish while not connected (before Connect or after Disconnect)"));
      return;
    }
    auto* listener = new PublishListener(&publishes_, done);
    publishes_.Add(listener);
    try {
      current->publish(message.topic, message.payload.data(), message.payload.size(), message.qos,
                       message.retained, nullptr, *listener);
    } catch (const mqtt::exception& e) {
      // Paho refused it synchronously and calls no listener.
      if (publishes_.Claim(listener)) {
        delete listener;
        done(absl::UnavailableError(absl::StrCat("publish to ", message.topic, ": ", e.what())));
      }
    }
  }

  absl::Status Subscribe(const std::string& filter, int qos) override {
    std::shared_ptr<mqtt::async_client> current = client();
    if (current == nullptr) return absl::FailedPreconditionError("subscribe before connect");
    try {
      mqtt::token_ptr token = current->subscribe(filter, qos);
      if (!token->wait_for(std::chrono::seconds(10))) {
        return absl::DeadlineExceededError(absl::StrCat("subscribe to ", filter, " timed out"));
      }
      // A broker that may not grant it (an ACL) answers 0x80 in the SUBACK.
      const mqtt::subscribe_response response = token->get_subscribe_response();
      for (const mqtt::ReasonCode code : response.get_reason_codes()) {
        if (static_cast<int>(code) >= 0x80) {
          return absl::PermissionDeniedError(absl::StrCat("subscribe to ", filter,
                                                          ": refused by the broker (code ",
                                                          static_cast<int>(code), ")"));
        }
      }
      return absl::OkStatus();
    } catch (const mqtt::exception& e) {
      return absl::UnavailableError(absl::StrCat("subscribe to ", filter, ": ", e.what()));
    }
  }

  void SetMessageHandler(MessageHandler handler) override {
    absl::MutexLock lock(&handlers_mu_);
    on_message_ = std::move(handler);
  }
  void SetConnectionLostHandler(ConnectionLostHandler handler) override {
    absl::MutexLock lock(&handlers_mu_);
    on_lost_ = std::move(handler);
  }

 private:
  std::shared_ptr<mqtt::async_client> NewClient() {
    mqtt::create_options create;
    create.set_send_while_disconnected(false);
    create.set_max_buffered_messages(kMaxQueuedPublishes);
    auto fresh = std::make_shared<mqtt::async_client>(uri_, client_id_, create, nullptr);
    // After the client: making it may start Paho's log, which reads
    // MQTT_C_CLIENT_TRACE_LEVEL and may set the level back.
    KeepPahoTraceToErrors();
    fresh->set_message_callback([this](mqtt::const_message_ptr msg) {
      absl::ReaderMutexLock lock(&handlers_mu_);
      if (on_message_) {
        on_message_(MqttMessage{msg->get_topic(), msg->get_payload_str(), msg->get_qos(),
                                msg->is_retained()});
      }
    });
    fresh->set_connection_lost_handler([this](const std::string& cause) {
      absl::ReaderMutexLock lock(&handlers_mu_);
      if (on_lost_) on_lost_(cause.empty() ? "connection lost" : cause);
    });
    return fresh;
  }

  // Paho leaves Nagle's algorithm on, which holds a publish up to a delayed
  // ACK (40 ms) after the PUBACK we sent for a received message
  // (tcp_nodelay.h). Without TCP_NODELAY the connection still works, only
  // slower: hence a warning, once per transport, not a failed Connect.
  void DisableNagle(const std::string& target, const absl::StatusOr<SocketInodes>& before)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(connect_mu_) {
    absl::Status status = before.status();
    if (status.ok()) {
      const absl::StatusOr<int> port = BrokerPortOf(target);
      status = port.ok() ? SetNoDelayOnNewSockets(*before, *port) : port.status();
    }
    if (status.ok() || warned_nagle_) return;
    warned_nagle_ = true;
    LogWarning(absl::StrCat("connection to ", target, ": TCP_NODELAY not set (", status.message(),
                            "); a publish can wait up to 40 ms for the broker's delayed ACK"));
  }

  // Installs `next` (null: none). The previous client's unacknowledged
  // publishes fail now, since nothing will acknowledge them; the client
  // itself is destroyed one connection later, so that no Paho thread is
  // still returning from its connection-lost callback when it goes.
  void Replace(std::shared_ptr<mqtt::async_client> next,
               const char* why =
                   "the connection was lost before the broker acknowledged the "
                   "publish") ABSL_EXCLUSIVE_LOCKS_REQUIRED(connect_mu_) {
    Retire();
    // Listeners settled on the outgoing client go with it.
    retired_listeners_ = std::exchange(settled_listeners_, {});
    std::unordered_set<PublishListener*> orphans = publishes_.TakeAll();
    {
      absl::MutexLock lock(&client_mu_);
      retired_client_ = std::exchange(client_, std::move(next));
    }
    for (PublishListener* orphan : orphans) {
      orphan->Abandon(absl::UnavailableError(why));
      retired_listeners_.push_back(orphan);
    }
  }

  // After Disconnect, even one that timed out, the transport has no client:
  // IsConnected is false, a Publish fails at once, and every publish still
  // unacknowledged is reported failed now. No done callback may run later,
  // since its owner (a service that a reload replaces) may be gone by then.
  void Detach() {
    absl::MutexLock lock(&connect_mu_);
    Replace(nullptr, "disconnected before the broker acknowledged the publish");
  }

  // Destroys the retired client (unless a Publish on another thread still
  // holds it), then the listeners it could have called.
  void Retire() ABSL_EXCLUSIVE_LOCKS_REQUIRED(connect_mu_) {
    retired_client_.reset();
    for (PublishListener* listener : retired_listeners_) delete listener;
    retired_listeners_.clear();
  }

  std::shared_ptr<mqtt::async_client> client() const {
    absl::MutexLock lock(&client_mu_);
    return client_;
  }

  const std::string uri_;
  const std::string client_id_;
  // Serialises Connect.
  absl::Mutex connect_mu_;
  // The current connection's client; null before the first Connect. Read
  // through client() from any thread (a health check may ask IsConnected
  // while a Connect runs); Paho's client is thread-safe.
  mutable absl::Mutex client_mu_;
  std::shared_ptr<mqtt::async_client> client_ ABSL_GUARDED_BY(client_mu_);
  std::shared_ptr<mqtt::async_client> retired_client_ ABSL_GUARDED_BY(connect_mu_);
  std::vector<PublishListener*> retired_listeners_ ABSL_GUARDED_BY(connect_mu_);
  // Settled (SettlePublishes) on the current client; Paho may still call them.
  std::vector<PublishListener*> settled_listeners_ ABSL_GUARDED_BY(connect_mu_);
  bool warned_nagle_ ABSL_GUARDED_BY(connect_mu_) = false;
  PublishRegistry publishes_;
  // The first TLS error of the current attempt (set by Paho's thread).
  absl::Mutex tls_error_mu_;
  std::string tls_error_ ABSL_GUARDED_BY(tls_error_mu_);
  // Replaced by a reload while Paho's thread may be calling them.
  absl::Mutex handlers_mu_;
  MessageHandler on_message_ ABSL_GUARDED_BY(handlers_mu_);
  ConnectionLostHandler on_lost_ ABSL_GUARDED_BY(handlers_mu_);
};

}  // namespace

std::unique_ptr<MqttTransport> NewPahoMqttTransport(const std::string& uri,
                                                    const std::string& client_id) {
  return std::make_unique<PahoMqttTransport>(uri, client_id);
}

}  // namespace ftel
