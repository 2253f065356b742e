// A throwaway PKI for TLS integration tests, made with the openssl CLI so that
// no key material is checked in and nothing expires between runs.
//
//   absl::StatusOr<TestPki> pki = MakeTestPki(dir);
//   // pki->ca_cert, pki->server_cert, ... are PEM files in dir
#ifndef FTEL_TESTS_SUPPORT_TEST_CERTIFICATES_H_
#define FTEL_TESTS_SUPPORT_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/support/temp_dir.h"

namespace ftel {

// Full paths of PEM files (keys unencrypted).
struct TestPki {
  // The CA that signed the server and client certificates ("ftel test CA").
  std::string ca_cert;
  // The broker's certificate, for 127.0.0.1 and localhost, and its key.
  std::string server_cert;
  std::string server_key;
  // A client certificate for mutual TLS (CN "edge-1") and its key.
  std::string client_cert;
  std::string client_key;
  // An unrelated CA that signed nothing here: trusting it instead of ca_cert
  // must make the broker's certificate fail verification.
  std::string other_ca_cert;
};

// Creates the files in `dir` (valid for 2 days) by running `openssl`; an
// error carries openssl's output.
absl::StatusOr<TestPki> MakeTestPki(const TempDir& dir);

}  // namespace ftel

#endif  // FTEL_TESTS_SUPPORT_TEST_CERTIFICATES_H_
