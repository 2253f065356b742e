// Early-return helpers for absl::Status, which the Debian Abseil (20220623)
// does not ship. Example:
//
//   RETURN_IF_ERROR(transport.Connect(options));
//   ASSIGN_OR_RETURN(ScenarioCatalogue catalogue, ScenarioCatalogue::Load(path));
#ifndef FTEL_LIBFTEL_PLATFORM_STATUS_MACROS_H_
#define FTEL_LIBFTEL_PLATFORM_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FTEL_CONCAT_INNER_(a, b) a##b
#define FTEL_CONCAT_(a, b) FTEL_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status ftel_status_ = (expr);        \
    if (!ftel_status_.ok()) return ftel_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  FTEL_ASSIGN_OR_RETURN_IMPL_(FTEL_CONCAT_(ftel_statusor_, __LINE__), lhs, expr)

#define FTEL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                \
  if (!statusor.ok()) return statusor.status();          \
  lhs = std::move(statusor).value()

#endif  // FTEL_LIBFTEL_PLATFORM_STATUS_MACROS_H_
