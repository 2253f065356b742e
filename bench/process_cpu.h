// CPU seconds this whole process has used so far (every thread: the
// benchmark's own and Paho's), for figures of CPU per message.
#ifndef FTEL_BENCH_PROCESS_CPU_H_
#define FTEL_BENCH_PROCESS_CPU_H_

#include <sys/resource.h>

namespace ftel {

inline double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace ftel

#endif  // FTEL_BENCH_PROCESS_CPU_H_
