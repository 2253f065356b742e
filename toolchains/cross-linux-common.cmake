# Shared by the ARM toolchain files. Expects FTEL_CROSS_TRIPLE, FTEL_CROSS_PROCESSOR,
# FTEL_DEBIAN_ARCH and FTEL_QEMU to be set by the including file.
#
# Libraries and headers come only from the sysroot (made by make-sysroot.sh);
# programs (protoc, mosquitto) only from the build host. protoc 3.21.12 on the
# host matches libprotobuf 3.21.12 in a bookworm sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${FTEL_CROSS_PROCESSOR})

if(NOT FTEL_SYSROOT)
  set(FTEL_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../.sysroots/${FTEL_DEBIAN_ARCH}")
endif()
get_filename_component(FTEL_SYSROOT "${FTEL_SYSROOT}" ABSOLUTE)
if(NOT EXISTS "${FTEL_SYSROOT}/usr/include")
  message(FATAL_ERROR "No sysroot at ${FTEL_SYSROOT}: run toolchains/make-sysroot.sh ${FTEL_DEBIAN_ARCH}")
endif()
# Forwarded to try_compile projects, which re-read this file.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FTEL_SYSROOT)

set(CMAKE_SYSROOT "${FTEL_SYSROOT}")
set(CMAKE_C_COMPILER ${FTEL_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${FTEL_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${FTEL_CROSS_TRIPLE})

set(CMAKE_FIND_ROOT_PATH "${FTEL_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot's own libc: running with another one (e.g. /usr/${triple})
# can hang in the first pthread_create (docs/building.md, "Cross-compiling for aarch64 and armhf").
set(CMAKE_CROSSCOMPILING_EMULATOR ${FTEL_QEMU} -L ${FTEL_SYSROOT})

# The sysroot's shared libraries are found at link time through their
# multiarch directories, which the cross linker does not search by itself.
set(FTEL_CROSS_LINK_FLAGS
  "-Wl,-rpath-link,${FTEL_SYSROOT}/usr/lib/${FTEL_CROSS_TRIPLE} -Wl,-rpath-link,${FTEL_SYSROOT}/lib/${FTEL_CROSS_TRIPLE}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${FTEL_CROSS_LINK_FLAGS}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${FTEL_CROSS_LINK_FLAGS}")
