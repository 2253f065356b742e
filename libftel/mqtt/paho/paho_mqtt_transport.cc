#include "libftel/mqtt/paho/paho_mqtt_transport.h"

#include <atomic>
#include <chrono>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "mqtt/async_client.h"

namespace ftel {
namespace {

// No offline buffering in Paho: a publish while disconnected fails at once,
// and the callers send again after the reconnect (the agent from its spool,
// the aggregator by offering every result and commit again). Paho's own
// buffer, sent on reconnect ahead of the session's subscriptions, had an
// aggregator kicked off by mosquitto ("malformed packet") at every attempt
// after a broker restart in the compose demo.
constexpr int kMaxBufferedMessages = 0;

// Deletes itself after reporting the one outcome of an action.
class OneShotListener : public mqtt::iaction_listener {
 public:
  explicit OneShotListener(MqttTransport::DoneCallback done) : done_(std::move(done)) {}

  void on_success(const mqtt::token&) override {
    done_(absl::OkStatus());
    delete this;
  }
  void on_failure(const mqtt::token& token) override {
    done_(absl::UnavailableError(
        absl::StrCat("publish failed (return code ", token.get_return_code(), ")")));
    delete this;
  }

 private:
  MqttTransport::DoneCallback done_;
};

class PahoMqttTransport : public MqttTransport {
 public:
  PahoMqttTransport(const std::string& uri, const std::string& client_id)
      : uri_(uri), client_id_(client_id) {}

  ~PahoMqttTransport() override {
    if (client() != nullptr && client()->is_connected()) {
      try {
        client()->disconnect(0)->wait_for(std::chrono::seconds(1));
      } catch (const mqtt::exception&) {
      }
    }
  }

  absl::Status Connect(const MqttConnectOptions& options) override {
    try {
      absl::MutexLock lock(&connect_mu_);
      if (owned_client_ == nullptr) {
        // Room for bursts: the aggregator publishes every changed result at
        // once, the agent up to spool.max_inflight reports.
        owned_client_ =
            std::make_unique<mqtt::async_client>(uri_, client_id_, kMaxBufferedMessages, nullptr);
        owned_client_->set_message_callback([this](mqtt::const_message_ptr msg) {
          if (on_message_) {
            on_message_(MqttMessage{msg->get_topic(), msg->get_payload_str(), msg->get_qos(),
                                    msg->is_retained()});
          }
        });
        owned_client_->set_connection_lost_handler([this](const std::string& cause) {
          if (on_lost_) on_lost_(cause.empty() ? "connection lost" : cause);
        });
        client_.store(owned_client_.get(), std::memory_order_release);
      }
      const std::string target = options.server_uri.empty() ? uri_ : options.server_uri;
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
      builder.keep_alive_interval(std::chrono::seconds(options.keep_alive_s))
          .connect_timeout(std::chrono::seconds(options.connect_timeout_s))
          .clean_session(options.clean_session)
          .automatic_reconnect(false);
      if (options.will.has_value()) {
        builder.will(mqtt::message(options.will->topic, options.will->payload, options.will->qos,
                                   options.will->retained));
      }
      mqtt::token_ptr token = client()->connect(builder.finalize());
      if (!token->wait_for(std::chrono::seconds(options.connect_timeout_s + 2))) {
        return absl::DeadlineExceededError(absl::StrCat("connect to ", target, " timed out"));
      }
      return absl::OkStatus();
    } catch (const mqtt::exception& e) {
      const std::string target = options.server_uri.empty() ? uri_ : options.server_uri;
      std::string cause = e.what();
      absl::MutexLock lock(&tls_error_mu_);
      if (!tls_error_.empty()) cause = absl::StrCat("TLS: ", tls_error_, " (", cause, ")");
      return absl::UnavailableError(absl::StrCat("connect to ", target, " failed: ", cause));
    }
  }

  absl::Status Disconnect(absl::Duration timeout) override {
    if (client() == nullptr) return absl::OkStatus();
    try {
      const auto ms = absl::ToInt64Milliseconds(timeout);
      client()->disconnect(static_cast<int>(ms))->wait_for(std::chrono::milliseconds(ms + 500));
      return absl::OkStatus();
    } catch (const mqtt::exception& e) {
      return absl::UnavailableError(absl::StrCat("disconnect from ", uri_, ": ", e.what()));
    }
  }

  bool IsConnected() const override { return client() != nullptr && client()->is_connected(); }

  void Publish(const MqttMessage& message, DoneCallback done) override {
    if (client() == nullptr) {
      done(absl::FailedPreconditionError("publish before connect"));
      return;
    }
    auto* listener = new OneShotListener(done);
    try {
      client()->publish(message.topic, message.payload.data(), message.payload.size(), message.qos,
                        message.retained, nullptr, *listener);
    } catch (const mqtt::exception& e) {
      delete listener;
      done(absl::UnavailableError(absl::StrCat("publish to ", message.topic, ": ", e.what())));
    }
  }

  absl::Status Subscribe(const std::string& filter, int qos) override {
    if (client() == nullptr) return absl::FailedPreconditionError("subscribe before connect");
    try {
      mqtt::token_ptr token = client()->subscribe(filter, qos);
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

  void SetMessageHandler(MessageHandler handler) override { on_message_ = std::move(handler); }
  void SetConnectionLostHandler(ConnectionLostHandler handler) override {
    on_lost_ = std::move(handler);
  }

 private:
  const std::string uri_;
  const std::string client_id_;
  // The client, once the first Connect made it; null before. Read through
  // client() from any thread (a health check may ask IsConnected while the
  // first Connect runs); Paho's client is thread-safe.
  mqtt::async_client* client() const { return client_.load(std::memory_order_acquire); }

  // Serialises Connect, which makes the client the first time.
  absl::Mutex connect_mu_;
  std::unique_ptr<mqtt::async_client> owned_client_ ABSL_GUARDED_BY(connect_mu_);
  std::atomic<mqtt::async_client*> client_{nullptr};
  // The first TLS error of the current attempt (set by Paho's thread).
  absl::Mutex tls_error_mu_;
  std::string tls_error_ ABSL_GUARDED_BY(tls_error_mu_);
  MessageHandler on_message_;
  ConnectionLostHandler on_lost_;
};

}  // namespace

std::unique_ptr<MqttTransport> NewPahoMqttTransport(const std::string& uri,
                                                    const std::string& client_id) {
  return std::make_unique<PahoMqttTransport>(uri, client_id);
}

}  // namespace ftel
