# 32-bit ARM hard-float edge boxes (Cortex-A7 gateways). See cross-linux-common.cmake.
set(FTEL_CROSS_TRIPLE arm-linux-gnueabihf)
set(FTEL_CROSS_PROCESSOR arm)
set(FTEL_DEBIAN_ARCH armhf)
set(FTEL_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-common.cmake)
