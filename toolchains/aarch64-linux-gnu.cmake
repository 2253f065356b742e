# 64-bit ARM edge boxes (Cortex-A53/A72). See cross-linux-common.cmake.
set(FTEL_CROSS_TRIPLE aarch64-linux-gnu)
set(FTEL_CROSS_PROCESSOR aarch64)
set(FTEL_DEBIAN_ARCH arm64)
set(FTEL_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-common.cmake)
