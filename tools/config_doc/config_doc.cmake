# Runs ftel_config_doc into GENERATED, then either copies it over REFERENCE
# (MODE=write, the target configuration_md) or fails when REFERENCE differs
# (MODE=check, the test Docs.ConfigurationReferenceIsCurrent). The variables
# are set by tools/config_doc/CMakeLists.txt.
foreach(variable MODE TOOL DESCRIPTORS AGENT_EXAMPLE AGGREGATOR_EXAMPLE REFERENCE GENERATED)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "config_doc.cmake: -D${variable}=... is missing")
  endif()
endforeach()

execute_process(
  COMMAND ${TOOL} ${DESCRIPTORS} ${AGENT_EXAMPLE} ${AGGREGATOR_EXAMPLE}
  OUTPUT_FILE ${GENERATED}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "ftel_config_doc failed (${result}); see the lines above")
endif()

if(MODE STREQUAL "write")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${GENERATED} ${REFERENCE}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "cannot write ${REFERENCE}")
  endif()
elseif(MODE STREQUAL "check")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GENERATED} ${REFERENCE}
                  RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    message(FATAL_ERROR "docs/configuration.md is stale: run "
                        "cmake --build --preset native --target configuration_md")
  endif()
else()
  message(FATAL_ERROR "config_doc.cmake: MODE must be write or check, got '${MODE}'")
endif()
