// Paho MQTT C's own trace, kept to errors.
//
// Paho MQTT C (1.3.12 in Debian 12) traces at TRACE_MINIMUM by default:
// every function's entry and exit and every packet sent or received is
// copied into an in-memory ring of 400 entries (312 bytes each, about
// 122 KiB) under Paho's process-wide log mutex, whether or not anything ever
// reads it. That is a large share of Paho's CPU per message, taken by its
// send and receive threads and the caller's alike (bench/README.md, "Paho's
// trace"), and the ring's pages are resident once written.
//
// KeepPahoTraceToErrors() sets Paho's trace level to errors
// (MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR)): entries below it skip the
// log mutex and the ring. (Paho's own call-stack bookkeeping, under its stack
// mutex, stays: no level turns it off.) The transport calls it after making
// each Paho client, since making the first one starts Paho's log, which reads
// MQTT_C_CLIENT_TRACE_LEVEL and may set the level back.
//
// Unless MQTT_C_CLIENT_TRACE is set in the environment, which is Paho's own
// switch for printing its trace ("ON" for stdout, or a file name): then the
// level is left to Paho and MQTT_C_CLIENT_TRACE_LEVEL, as Paho documents, for
// debugging a connection.
#ifndef FTEL_LIBFTEL_MQTT_PAHO_PAHO_TRACE_H_
#define FTEL_LIBFTEL_MQTT_PAHO_PAHO_TRACE_H_

namespace ftel {

// Idempotent, and cheap: Paho's level is one process-wide setting. Paho
// writes and reads it without a lock; every write here is the same value.
void KeepPahoTraceToErrors();

}  // namespace ftel

#endif  // FTEL_LIBFTEL_MQTT_PAHO_PAHO_TRACE_H_
