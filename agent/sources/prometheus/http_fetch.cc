#include "agent/sources/prometheus/http_fetch.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

struct Transfer {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts with CURLE_WRITE_ERROR
  }
  transfer->body.append(data, bytes);
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancel != nullptr && transfer->cancel->load() ? 1 : 0;
}

// "Connection refused" -> "connection refused"; trailing dots and newlines go.
std::string Lowered(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '.')) text.pop_back();
  if (!text.empty()) text[0] = absl::ascii_tolower(static_cast<unsigned char>(text[0]));
  return text;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

absl::Status Unavailable(const std::string& reason) { return absl::UnavailableError(reason); }

absl::Status Failure(CURLcode code, const char* detail, long os_errno, const FetchRequest& request,
                     const Transfer& transfer) {
  const std::string text = Lowered(detail[0] != '\0' ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Unavailable(
          absl::StrCat("timeout after ", absl::ToInt64Milliseconds(request.timeout), " ms"));
    case CURLE_COULDNT_CONNECT:
      return Unavailable(
          absl::StrCat("unreachable: ", os_errno != 0 ? Lowered(std::strerror(os_errno)) : text));
    case CURLE_COULDNT_RESOLVE_HOST:
      return Unavailable("unreachable: cannot resolve host");
    case CURLE_ABORTED_BY_CALLBACK:
      return Unavailable("stopped");
    case CURLE_WRITE_ERROR:
      if (transfer.too_large) {
        return Unavailable(absl::StrCat("answer larger than ", request.max_bytes, " bytes"));
      }
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return Unavailable(absl::StrCat("tls: ", text));
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return Unavailable(absl::StrCat("unreachable: ", text));
    default:
      break;
  }
  return Unavailable(text);
}

}  // namespace

void InitHttpFetch() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::StatusOr<std::string> HttpFetch(const FetchRequest& request) {
  InitHttpFetch();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return Unavailable("cannot create an http client");
  CURL* c = curl.get();
  Transfer transfer;
  transfer.max_bytes = request.max_bytes;
  transfer.cancel = request.cancel;
  char detail[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&headers](const std::string& header) {
    curl_slist* list = curl_slist_append(headers.get(), header.c_str());
    if (list != nullptr) {
      headers.release();
      headers.reset(list);
    }
  };
  if (!request.accept.empty()) add_header("Accept: " + request.accept);
  if (!request.bearer_token.empty()) add_header("Authorization: Bearer " + request.bearer_token);

  const long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(request.timeout));
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a threaded process
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl decodes (gzip)
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ftel-agent/" FTEL_VERSION);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  if (headers != nullptr) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (!request.username.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.password.c_str());
  }
  if (!request.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, request.ca_file.c_str());

  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    return Failure(code, detail, os_errno, request, transfer);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Unavailable(absl::StrCat("http ", status));
  return std::move(transfer.body);
}

absl::Status CheckHttpUrl(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (parsed == nullptr) return absl::InternalError("cannot create a URL parser");
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("is not a valid URL: '", url, "'"));
  }
  char* scheme = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("has no scheme: '", url, "'"));
  }
  const std::string lowered = absl::AsciiStrToLower(scheme);
  curl_free(scheme);
  if (lowered != "http" && lowered != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("must start with http:// or https://, got '", url, "'"));
  }
  char* host = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr ||
      host[0] == '\0') {
    if (host != nullptr) curl_free(host);
    return absl::InvalidArgumentError(absl::StrCat("has no host: '", url, "'"));
  }
  curl_free(host);
  return absl::OkStatus();
}

}  // namespace ftel
