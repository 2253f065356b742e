// Runs a command without a shell and returns what it printed on standard
// output: for the `exec` source. The command is killed (SIGKILL) when it
// runs longer than `timeout` or prints more than `max_output_bytes`; its
// standard error's first line goes into the error. Standard input is
// /dev/null.
//
//   absl::StatusOr<std::string> out = RunCommand({"/usr/bin/env"}, absl::Seconds(5), 1 << 20);
#ifndef FTEL_AGENT_SOURCES_FILE_COMMAND_RUNNER_H_
#define FTEL_AGENT_SOURCES_FILE_COMMAND_RUNNER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ftel {

// Unavailable "cannot run P: ...", DeadlineExceeded "timeout after N ms",
// ResourceExhausted "more than N bytes of output", Aborted "exit status N:
// <stderr line>" / "killed by signal N".
absl::StatusOr<std::string> RunCommand(const std::vector<std::string>& argv, absl::Duration timeout,
                                       size_t max_output_bytes);

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_FILE_COMMAND_RUNNER_H_
