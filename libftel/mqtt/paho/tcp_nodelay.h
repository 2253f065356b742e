// TCP_NODELAY for the socket Paho opens to the broker.
//
// Paho MQTT C (1.3.12 in Debian 12) never sets TCP_NODELAY and offers no
// option, callback or getter for its socket. With Nagle's algorithm on, a
// small write waits while an earlier small segment is unacknowledged, and the
// broker delays that ACK (Linux: 40 ms) when it has nothing to send back. The
// aggregator's socket hits it on every report: it acknowledges the report
// (a 4-byte PUBACK the broker does not answer), then publishes the results,
// which wait for the broker's delayed ACK of the PUBACK. (The agent's socket
// can too, when a report follows its PUBACK of a commit within that time; it
// keeps Nagle's algorithm all the same, which drains a backlog in fewer
// segments: MqttConnectOptions::no_delay.)
//
// So, when asked, the transport finds Paho's socket itself, by what is new in
// /proc/self/fd:
//
//   absl::StatusOr<SocketInodes> before = OpenSocketInodes();  // before connect()
//   ... Paho connects ...
//   absl::Status set = SetNoDelayOnNewSockets(*before, *BrokerPortOf(uri));
//
// A socket counts when its inode was not open before the connect began, it
// is TCP, and it is connected to the broker's port. Why that finds Paho's:
// each Connect makes a new Paho client, with one server URI, one MQTT version
// and no automatic reconnect, so it opens exactly one socket, after the
// snapshot; inodes (unlike fd numbers) are not reused by a socket closed
// meanwhile. Why it is safe: TCP_NODELAY only changes when small segments
// leave, never what the peer receives, so a socket another thread opened to
// the same port at the same moment (another transport of this process, say)
// that gets it too is not harmed. For the same reason the window in which a
// matched fd could be closed and its number reused before setsockopt is
// harmless.
//
// Limits: Linux only (/proc/self/fd). Through an HTTP proxy (Paho honours
// http_proxy and https_proxy from the environment) the socket's peer is the
// proxy, no socket matches, and Nagle stays on; so it does if /proc is not
// mounted. The connection works either way: only latency is lost.
#ifndef FTEL_LIBFTEL_MQTT_PAHO_TCP_NODELAY_H_
#define FTEL_LIBFTEL_MQTT_PAHO_TCP_NODELAY_H_

#include <sys/types.h>

#include <string>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ftel {

// The inodes of the sockets this process has open.
using SocketInodes = std::unordered_set<ino_t>;

// Reads /proc/self/fd. Unavailable if it cannot be read.
absl::StatusOr<SocketInodes> OpenSocketInodes();

// Sets TCP_NODELAY on every open TCP socket connected to `broker_port` whose
// inode is not in `before`. NotFound if there was none to set.
absl::Status SetNoDelayOnNewSockets(const SocketInodes& before, int broker_port);

// The port of a Paho server URI: "tcp://host:1883", "ssl://[::1]:8883", or
// without a port the scheme's default as Paho applies it (1883 for tcp:// and
// mqtt://, 8883 for ssl:// and mqtts://, 80 for ws://, 443 for wss://).
absl::StatusOr<int> BrokerPortOf(const std::string& uri);

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_PAHO_TCP_NODELAY_H_
