#include "tools/ftelctl/connect_diagnosis.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 literal
  std::string port;
};

std::optional<HostPort> SplitUri(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const std::string rest = uri.substr(scheme + 3);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{host, rest.substr(colon + 1)};
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A connected socket whose connect, reads and writes give up after
// `timeout`, or the reason there is none.
std::unique_ptr<Socket> Connect(const HostPort& at, absl::Duration timeout, std::string* why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(at.host.c_str(), at.port.c_str(), &hints, &found); rc != 0) {
    *why = absl::StrCat("cannot resolve '", at.host, "': ", gai_strerror(rc));
    return nullptr;
  }
  const timeval limit = absl::ToTimeval(timeout);
  std::string last_error = "no address";
  for (addrinfo* address = found; address != nullptr; address = address->ai_next) {
    auto socket_fd = std::make_unique<Socket>(socket(address->ai_family, address->ai_socktype, 0));
    if (socket_fd->fd() < 0) continue;
    // On Linux SO_SNDTIMEO bounds connect() too.
    setsockopt(socket_fd->fd(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
    setsockopt(socket_fd->fd(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    if (connect(socket_fd->fd(), address->ai_addr, address->ai_addrlen) == 0) {
      freeaddrinfo(found);
      return socket_fd;
    }
    last_error = errno == EINPROGRESS ? "timed out" : std::strerror(errno);
  }
  freeaddrinfo(found);
  *why = absl::StrCat("cannot reach ", at.host, ":", at.port, ": ", last_error);
  return nullptr;
}

// OpenSSL's reason for the last error on this thread (0: none), with the
// queue cleared so that the next step starts clean.
int LastTlsReason() {
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  return error == 0 ? 0 : ERR_GET_REASON(error);
}

// What an alert or error from the broker means, for a client that did or did
// not present a certificate; "" for none of the known causes.
std::string ExplainTlsReason(int reason, bool presented_certificate, const HostPort& at) {
  switch (reason) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
      return "the broker requires a client certificate: give --cert-file and --key-file";
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
      // TLS 1.2's answer to a missing certificate; also one to no common cipher.
      return presented_certificate
                 ? "the broker refused the TLS handshake"
                 : "the broker refused the TLS handshake; it probably requires a client "
                   "certificate: give --cert-file and --key-file";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
      return "the broker does not accept the client certificate (--cert-file): it is not signed "
             "by a CA the broker trusts (its cafile)";
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
      return absl::StrCat(at.host, ":", at.port,
                          " does not speak TLS (a plain MQTT port? then use tcp://)");
    default:
      return "";
  }
}

std::string DiagnoseTls(const Socket& socket, const HostPort& at, const MqttTls& tls) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                            &SSL_CTX_free);
  if (context == nullptr) return "";
  if (SSL_CTX_load_verify_locations(context.get(), tls.ca_file.c_str(), nullptr) != 1) {
    LastTlsReason();
    return absl::StrCat("--ca-file '", tls.ca_file, "' holds no PEM certificate");
  }
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  const bool presented_certificate = !tls.cert_file.empty();
  if (presented_certificate) {
    if (SSL_CTX_use_certificate_chain_file(context.get(), tls.cert_file.c_str()) != 1) {
      LastTlsReason();
      return absl::StrCat("--cert-file '", tls.cert_file, "' holds no PEM certificate");
    }
    // OpenSSL checks here too that the key is the certificate's.
    if (SSL_CTX_use_PrivateKey_file(context.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(context.get()) != 1) {
      const unsigned long error = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(error) == ERR_LIB_X509 &&
          ERR_GET_REASON(error) == X509_R_KEY_VALUES_MISMATCH) {
        return absl::StrCat("--key-file '", tls.key_file, "' is not the key of --cert-file '",
                            tls.cert_file, "'");
      }
      return absl::StrCat("--key-file '", tls.key_file, "' holds no PEM private key");
    }
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
  if (ssl == nullptr) return "";
  SSL_set_fd(ssl.get(), socket.fd());
  in6_addr ip{};
  const bool is_ip = inet_pton(AF_INET, at.host.c_str(), &ip) == 1 ||
                     inet_pton(AF_INET6, at.host.c_str(), &ip) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(ssl.get(), at.host.c_str());
  if (tls.verify_hostname) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(param, at.host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, at.host.c_str(), 0);
    }
  }

  if (SSL_connect(ssl.get()) != 1) {
    const long verified = SSL_get_verify_result(ssl.get());
    const int reason = LastTlsReason();
    if (verified == X509_V_ERR_HOSTNAME_MISMATCH || verified == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return absl::StrCat("the broker's certificate does not name '", at.host,
                          "': connect by a name or address it lists");
    }
    if (verified != X509_V_OK) {
      return absl::StrCat("the broker's certificate is not trusted by --ca-file '", tls.ca_file,
                          "': ", X509_verify_cert_error_string(verified));
    }
    const std::string known = ExplainTlsReason(reason, presented_certificate, at);
    if (!known.empty()) return known;
    if (reason == 0 || reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      // What a plain MQTT listener does with a TLS ClientHello.
      return absl::StrCat("the connection was closed in the TLS handshake: is ", at.host, ":",
                          at.port, " a plain MQTT port? (then use tcp://)");
    }
    return absl::StrCat("the TLS handshake failed: ",
                        ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, reason)));
  }
  // The handshake went through on this side. A broker that refuses the
  // client's certificate (or its absence) under TLS 1.3 says so now, as an
  // alert; one that is content waits for the MQTT CONNECT, and the read times
  // out.
  char byte = 0;
  if (SSL_read(ssl.get(), &byte, 1) <= 0) {
    return ExplainTlsReason(LastTlsReason(), presented_certificate, at);
  }
  return "";
}

// Whether the server at the other end of `socket` completes a TLS handshake
// (its certificate unchecked): a plain MQTT client at a TLS port gets no
// answer to its CONNECT.
bool SpeaksTls(const Socket& socket) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                            &SSL_CTX_free);
  if (context == nullptr) return false;
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
  if (ssl == nullptr) return false;
  SSL_set_fd(ssl.get(), socket.fd());
  const bool handshake = SSL_connect(ssl.get()) == 1;
  ERR_clear_error();
  return handshake;
}

}  // namespace

std::string DiagnoseConnectFailure(const MqttConnectOptions& options, absl::Duration timeout) {
  const std::optional<HostPort> at = SplitUri(options.server_uri);
  if (!at.has_value()) return "";
  std::string why;
  std::unique_ptr<Socket> socket = Connect(*at, timeout, &why);
  if (socket == nullptr) return why;
  if (options.tls.has_value()) return DiagnoseTls(*socket, *at, *options.tls);
  if (SpeaksTls(*socket)) {
    return absl::StrCat(at->host, ":", at->port, " is a TLS port: use ssl:// and --ca-file");
  }
  return "";
}

}  // namespace ftel
