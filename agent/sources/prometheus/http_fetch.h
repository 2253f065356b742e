// One HTTP(S) GET with libcurl, for the `prometheus` source's polling
// thread: a whole-request timeout, TLS checked against a CA file or the
// system store, a bearer token or basic auth, a size limit, and a cancel flag
// that aborts a transfer in progress (so that Stop never waits for a hung
// server). Failures are Unavailable with a short, lower-case reason as the
// message, ready to be a figure's unknown reason: "unreachable: connection
// refused", "timeout after 2000 ms", "http 503", "tls: ...".
//
//   InitHttpFetch();  // once, before any thread fetches
//   FetchRequest request;
//   request.url = "http://127.0.0.1:8002/metrics";
//   request.timeout = absl::Seconds(2);
//   absl::StatusOr<std::string> body = HttpFetch(request);
#ifndef FTEL_AGENT_SOURCES_PROMETHEUS_HTTP_FETCH_H_
#define FTEL_AGENT_SOURCES_PROMETHEUS_HTTP_FETCH_H_

#include <atomic>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ftel {

struct FetchRequest {
  std::string url;
  absl::Duration timeout = absl::Seconds(2);
  std::string accept;        // the Accept header; "" for none
  std::string bearer_token;  // "" for none
  std::string username;      // basic auth when not ""
  std::string password;
  std::string ca_file;  // "" for the system store
  size_t max_bytes = 16 << 20;
  // When set and it turns true, the transfer is abandoned ("stopped").
  const std::atomic<bool>* cancel = nullptr;
};

// Initialises libcurl once per process; safe to call again.
void InitHttpFetch();

// The body of a 200 answer; otherwise Unavailable with the reason.
absl::StatusOr<std::string> HttpFetch(const FetchRequest& request);

// OK when `url` parses as an http:// or https:// URL with a host; otherwise
// InvalidArgument saying what is wrong. No I/O.
absl::Status CheckHttpUrl(const std::string& url);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_PROMETHEUS_HTTP_FETCH_H_
