// Why a connection to a broker failed, asked of the broker itself: after the
// MQTT client's attempt failed, one TCP connection and, for ssl:// URIs, one
// TLS handshake of ftelctl's own with the same CA, certificate and key.
//
// The MQTT client reports a broker that wants a client certificate, or an
// ssl:// URI on a plain MQTT port, only as "TCP/TLS connect failure": under
// TLS 1.3 the broker turns a client away after the client's half of the
// handshake, so the refusal arrives as an alert in place of the first record,
// which only a read after the handshake sees.
//
//   std::string why = DiagnoseConnectFailure(options, absl::Seconds(3));
//   // "the broker requires a client certificate: ..." or "" when all looked fine
#ifndef FTEL_TOOLS_FTELCTL_CONNECT_DIAGNOSIS_H_
#define FTEL_TOOLS_FTELCTL_CONNECT_DIAGNOSIS_H_

#include <string>

#include "absl/time/time.h"
#include "libftel/mqtt/mqtt_transport.h"

namespace ftel {

// The cause, in words and naming ftelctl's options, or "" when the TCP
// connection and the TLS handshake both went through (or the URI cannot be
// taken apart). Each step (connect, each read) gives up after `timeout`.
std::string DiagnoseConnectFailure(const MqttConnectOptions& options, absl::Duration timeout);

}  // namespace ftel

#endif  // FTEL_TOOLS_FTELCTL_CONNECT_DIAGNOSIS_H_
