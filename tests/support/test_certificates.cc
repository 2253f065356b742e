#include "tests/support/test_certificates.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tests/support/child_process.h"

namespace ftel {
namespace {

// EC P-256 keys: generated at once, where RSA keys could take seconds each on a
// loaded builder; both mosquitto and Paho accept them.
void AddNewKeyArgs(std::vector<std::string>* args) {
  args->insert(args->end(),
               {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"});
}

class OpensslRunner {
 public:
  explicit OpensslRunner(const TempDir& dir)
      : dir_(dir), log_path_(absl::StrCat(dir.path(), "/openssl.log")) {}

  std::string Path(const std::string& name) const { return absl::StrCat(dir_.path(), "/", name); }

  // Runs `openssl args...`; all runs append to one log, which an error quotes
  // since openssl says what went wrong only there.
  absl::Status Run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(argv, log_path_);
    if (!process.ok()) return process.status();
    const std::optional<int> code = (*process)->WaitForExit(absl::Seconds(30));
    if (code.has_value() && *code == 0) return absl::OkStatus();
    return absl::InternalError(absl::StrCat(
        absl::StrJoin(argv, " "),
        code.has_value() ? absl::StrCat(" exited with code ", *code)  // 127: no openssl in PATH
                         : std::string(" did not finish within 30 s"),
        "; openssl output:\n", (*process)->Log()));
  }

  // A self-signed CA: `name`.crt and `name`.key.
  absl::Status MakeCa(const std::string& name, const std::string& common_name) const {
    std::vector<std::string> args = {"req", "-x509"};
    AddNewKeyArgs(&args);
    args.insert(args.end(), {"-days", "2", "-subj", "/CN=" + common_name,
                             // Explicit rather than left to the system's openssl.cnf.
                             "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                             "keyUsage=critical,keyCertSign,cRLSign", "-keyout",
                             Path(name + ".key"), "-out", Path(name + ".crt")});
    return Run(args);
  }

  // A certificate `name`.crt with key `name`.key, signed by the CA `ca` and
  // carrying the X.509v3 `extensions` (openssl extension-file syntax).
  absl::Status MakeLeaf(const std::string& name, const std::string& common_name,
                        const std::string& ca, const std::string& extensions) const {
    const std::string csr = Path(name + ".csr");
    std::vector<std::string> request = {"req", "-new"};
    AddNewKeyArgs(&request);
    request.insert(request.end(),
                   {"-subj", "/CN=" + common_name, "-keyout", Path(name + ".key"), "-out", csr});
    if (absl::Status made = Run(request); !made.ok()) return made;
    const std::string extfile = dir_.WriteFile(name + ".ext", extensions);
    return Run({"x509", "-req", "-in", csr, "-CA", Path(ca + ".crt"), "-CAkey", Path(ca + ".key"),
                "-CAserial", Path(ca + ".srl"), "-CAcreateserial", "-days", "2", "-extfile",
                extfile, "-out", Path(name + ".crt")});
  }

 private:
  const TempDir& dir_;
  std::string log_path_;
};

}  // namespace

absl::StatusOr<TestPki> MakeTestPki(const TempDir& dir) {
  const OpensslRunner openssl(dir);
  if (absl::Status made = openssl.MakeCa("ca", "ftel test CA"); !made.ok()) return made;
  // The agent checks the broker's name by default, and it is reached as
  // 127.0.0.1 (an IP SAN) in the tests; localhost covers a DNS-named URI.
  if (absl::Status made = openssl.MakeLeaf("server", "127.0.0.1", "ca",
                                           "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                           "basicConstraints=CA:FALSE\n"
                                           "keyUsage=critical,digitalSignature\n"
                                           "extendedKeyUsage=serverAuth\n");
      !made.ok()) {
    return made;
  }
  if (absl::Status made = openssl.MakeLeaf("client", "edge-1", "ca",
                                           "basicConstraints=CA:FALSE\n"
                                           "keyUsage=critical,digitalSignature\n"
                                           "extendedKeyUsage=clientAuth\n");
      !made.ok()) {
    return made;
  }
  if (absl::Status made = openssl.MakeCa("other_ca", "ftel other CA"); !made.ok()) return made;
  TestPki pki;
  pki.ca_cert = openssl.Path("ca.crt");
  pki.server_cert = openssl.Path("server.crt");
  pki.server_key = openssl.Path("server.key");
  pki.client_cert = openssl.Path("client.crt");
  pki.client_key = openssl.Path("client.key");
  pki.other_ca_cert = openssl.Path("other_ca.crt");
  return pki;
}

}  // namespace ftel
