// An in-memory MqttTransport for unit tests: records what was published and
// with which Will, and lets a test deliver messages or fail connects.
#ifndef FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_
#define FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_

#include <mutex>
#include <string>
#include <vector>

#include "libftel/mqtt_transport.h"

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
  bool IsConnected() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return connected_;
  }
  void Publish(const MqttMessage& message, DoneCallback done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      published_.push_back(message);
    }
    done(absl::OkStatus());
  }
  absl::Status Subscribe(const std::string& filter, int qos) override {
    std::lock_guard<std::mutex> lock(mu_);
    subscriptions_.push_back(filter);
    return absl::OkStatus();
  }
  void SetMessageHandler(MessageHandler handler) override { handler_ = std::move(handler); }
  void SetConnectionLostHandler(ConnectionLostHandler) override {}

  // Test controls.
  void FailConnects(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    connect_result_ = std::move(status);
  }
  void Deliver(const MqttMessage& message) { handler_(message); }
  std::vector<MqttMessage> published() const {
    std::lock_guard<std::mutex> lock(mu_);
    return published_;
  }
  std::vector<MqttConnectOptions> connect_options() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connect_options_;
  }
  std::vector<std::string> subscriptions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return subscriptions_;
  }
  int disconnects() const {
    std::lock_guard<std::mutex> lock(mu_);
    return disconnects_;
  }

 private:
  mutable std::mutex mu_;
  bool connected_ = false;
  int disconnects_ = 0;
  absl::Status connect_result_;
  std::vector<MqttConnectOptions> connect_options_;
  std::vector<MqttMessage> published_;
  std::vector<std::string> subscriptions_;
  MessageHandler handler_;
};

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_FAKE_MQTT_TRANSPORT_H_
