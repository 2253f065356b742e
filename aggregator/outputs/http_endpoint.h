// A small HTTP/1.0 server for operators' tools: GET /metrics (Prometheus) and
// GET /healthz. One thread, one request per connection, bounded request size:
// enough for a scraper and a load balancer, nothing more.
//
//   HttpEndpoint http;
//   RETURN_IF_ERROR(http.Start("127.0.0.1:9464", [](const std::string& path) { ... }));
#ifndef FTEL_AGGREGATOR_OUTPUTS_HTTP_ENDPOINT_H_
#define FTEL_AGGREGATOR_OUTPUTS_HTTP_ENDPOINT_H_

#include <netinet/in.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ftel {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// "a.b.c.d:port" (IPv4; port 0 picks a free one) as a socket address;
// InvalidArgument "must be IPv4-address:port or off, got '…'" otherwise.
absl::StatusOr<sockaddr_in> ParseIpv4Listen(const std::string& listen);

class HttpEndpoint {
 public:
  // Called on the endpoint's thread with the request path (no query).
  using Handler = std::function<HttpResponse(const std::string& path)>;

  HttpEndpoint() = default;
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // Binds "host:port" (IPv4; port 0 picks a free one) and starts serving.
  absl::Status Start(const std::string& listen, Handler handler);
  void Stop();
  // The bound port, after Start.
  int port() const { return port_; }

 private:
  void Serve();
  void HandleConnection(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ftel

#endif  // FTEL_AGGREGATOR_OUTPUTS_HTTP_ENDPOINT_H_
