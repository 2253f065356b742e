// An in-memory MqttTransport for unit tests: records what was published and
// with which Will, and lets a test hold acknowledgements, fail connects or
// drop the connection.
#ifndef FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_
#define FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

class FakeMqttTransport : public MqttTransport {
 public:
  absl::Status Connect(const MqttConnectOptions& options) override {
    std::lock_guard<std::mutex> lock(mu_);
    connect_options_.push_back(options);
    if (!connect_result_.ok()) return connect_result_;
    connected_ = true;
    return absl::OkStatus();
  }
  absl::Status Disconnect(absl::Duration) override {
    std::lock_guard<std::mutex> lock(mu_);
    connected_ = false;
    ++disconnects_;
    return absl::OkStatus();
  }
  void SettlePublishes(absl::Duration) override {
    std::vector<DoneCallback> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      held.swap(held_);
      ++settles_;
    }
    for (DoneCallback& done : held) done(absl::UnavailableError("settled before acknowledged"));
  }
  bool IsConnected() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return connected_;
  }
  void Publish(const MqttMessage& message, DoneCallback done) override {
    absl::Status failed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!connected_) {
        done(absl::UnavailableError("not connected"));
        return;
      }
      published_.push_back(message);
      if (!publish_result_.ok()) {
        failed = publish_result_;
      } else if (hold_acks_) {
        held_.push_back(std::move(done));
        return;
      }
    }
    done(failed);
    if (failed.ok() && acknowledged_hook_) acknowledged_hook_(message);
  }
  absl::Status Subscribe(const std::string& filter, int qos) override {
    std::lock_guard<std::mutex> lock(mu_);
    subscriptions_.push_back(filter);
    return absl::OkStatus();
  }
  void SetMessageHandler(MessageHandler handler) override { message_handler_ = std::move(handler); }
  void SetConnectionLostHandler(ConnectionLostHandler handler) override {
    lost_handler_ = std::move(handler);
  }

  // Test controls.
  // Runs after each publish the fake acknowledged (on the publishing
  // thread), e.g. to answer like an aggregator. Set before use.
  void OnAcknowledged(std::function<void(const MqttMessage&)> hook) {
    acknowledged_hook_ = std::move(hook);
  }
  // Hands `message` to the message handler, as if the broker sent it.
  void Deliver(MqttMessage message) {
    if (message_handler_) message_handler_(std::move(message));
  }
  std::vector<std::string> subscriptions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return subscriptions_;
  }
  void FailConnects(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    connect_result_ = std::move(status);
  }
  // While set, publishes are recorded and then fail with `status`.
  void FailPublishes(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    publish_result_ = std::move(status);
  }
  // While held, publishes are recorded but not acknowledged.
  void HoldAcks(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_acks_ = hold;
  }
  // The broker goes away: unacknowledged publishes are lost, like Paho with a
  // clean session, and the connection-lost handler runs.
  void DropConnection() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      connected_ = false;
      held_.clear();
    }
    if (lost_handler_) lost_handler_("fake broker gone");
  }
  std::vector<MqttMessage> published() const {
    std::lock_guard<std::mutex> lock(mu_);
    return published_;
  }
  std::vector<MqttConnectOptions> connect_options() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connect_options_;
  }
  int disconnects() const {
    std::lock_guard<std::mutex> lock(mu_);
    return disconnects_;
  }
  int settles() const {
    std::lock_guard<std::mutex> lock(mu_);
    return settles_;
  }

 private:
  mutable std::mutex mu_;
  bool connected_ = false;
  int disconnects_ = 0;
  int settles_ = 0;
  absl::Status connect_result_;
  absl::Status publish_result_;
  std::vector<MqttConnectOptions> connect_options_;
  std::vector<MqttMessage> published_;
  ConnectionLostHandler lost_handler_;
  MessageHandler message_handler_;
  std::function<void(const MqttMessage&)> acknowledged_hook_;
  std::vector<std::string> subscriptions_;
  bool hold_acks_ = false;
  std::vector<DoneCallback> held_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_
