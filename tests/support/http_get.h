// A minimal HTTP/1.0 client for tests of the aggregator's endpoint.
#ifndef FTEL_TESTS_SUPPORT_HTTP_GET_H_
#define FTEL_TESTS_SUPPORT_HTTP_GET_H_

#include <string>

namespace ftel {

// A socket connected to 127.0.0.1:port, or -1.
int ConnectToLoopback(int port);

// GET `path` from 127.0.0.1:port: the whole response, or what arrived before
// the server closed or 30 s passed; "" if the connection fails.
std::string HttpGet(int port, const std::string& path);

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_HTTP_GET_H_
