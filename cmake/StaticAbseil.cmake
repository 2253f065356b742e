# Points every imported absl:: target at its static archive (Debian ships both
# libabsl_*.so and libabsl_*.a side by side). The targets keep their
# dependencies on each other, so CMake still orders the archives correctly.
#
# Why: each of the ~25 Abseil shared libraries the daemons load costs at least
# two dirty pages (GOT, data) of anonymous memory per process, about 200 KiB
# in all, which matters on an edge box.
file(STRINGS "${absl_DIR}/abslTargets.cmake" _ftel_absl_lines REGEX "^add_library\\(absl::")
set(_ftel_absl_targets "")
foreach(_line IN LISTS _ftel_absl_lines)
  string(REGEX REPLACE "^add_library\\((absl::[a-z0-9_]+) .*" "\\1" _target "${_line}")
  list(APPEND _ftel_absl_targets "${_target}")
endforeach()
foreach(_target IN LISTS _ftel_absl_targets)
  if(NOT TARGET ${_target})
    continue()
  endif()
  get_target_property(_type ${_target} TYPE)
  if(NOT _type STREQUAL "SHARED_LIBRARY")
    continue()
  endif()
  # Debian's package exports the configuration NONE; others may export one
  # of their own.
  get_target_property(_configs ${_target} IMPORTED_CONFIGURATIONS)
  list(GET _configs 0 _config)
  get_target_property(_shared ${_target} IMPORTED_LOCATION_${_config})
  string(REGEX REPLACE "\\.so[.0-9]*$" ".a" _static "${_shared}")
  if(NOT EXISTS "${_static}")
    message(FATAL_ERROR "FTEL_STATIC_DEPS: ${_target} has no static archive at ${_static} (install libabsl-dev)")
  endif()
  set_target_properties(${_target} PROPERTIES
    IMPORTED_LOCATION_${_config} "${_static}"
    IMPORTED_LOCATION "${_static}"
    IMPORTED_SONAME_${_config} ""
    IMPORTED_NO_SONAME TRUE)
endforeach()
