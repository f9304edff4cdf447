# Installs evguard to a fresh prefix, builds a downstream project that uses
# find_package(evguard) + evguard_analyze(), and checks the reports.
# -D: BUILD_DIR (evguard's build), WORK_DIR, APP_DIR, GENERATOR, VALIDATOR,
# LIBDIR (CMAKE_INSTALL_LIBDIR).
foreach(_var BUILD_DIR WORK_DIR APP_DIR GENERATOR VALIDATOR LIBDIR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "pass -D${_var}=...")
  endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/ModuleTestUtil.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
set(_prefix "${WORK_DIR}/prefix")
run_step("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${_prefix}")
if(NOT EXISTS "${_prefix}/${LIBDIR}/cmake/evguard/evguardConfig.cmake"
   OR NOT EXISTS "${_prefix}/${LIBDIR}/cmake/evguard/evguardConfigVersion.cmake")
  message(FATAL_ERROR "the install did not create ${LIBDIR}/cmake/evguard/evguardConfig.cmake (+ version file)")
endif()

# The installed evguard must find its installed database, not the source tree's.
set(ENV{EVGUARD_DATA_DIR} "")
unset(ENV{EVGUARD_DATA_DIR})
set(_app_build "${WORK_DIR}/app-build")
run_step("configuring the downstream project"
  ${CMAKE_COMMAND} -S "${APP_DIR}" -B "${_app_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${_prefix}")
run_step("building evguard-timer_app" ${CMAKE_COMMAND} --build "${_app_build}" --target evguard-timer_app)

set(_sarif "${_app_build}/reports/timer_app.sarif")
if(NOT EXISTS "${_sarif}")
  message(FATAL_ERROR "evguard-timer_app did not write ${_sarif}")
endif()
file(READ "${_sarif}" _text)
string(JSON _rule GET "${_text}" runs 0 results 0 ruleId)
string(JSON _callee GET "${_text}" runs 0 results 0 properties callee)
string(JSON _uri GET "${_text}" runs 0 results 0 locations 0 physicalLocation artifactLocation uri)
string(JSON _count LENGTH "${_text}" runs 0 results)
# Only the target's own file: gated.c's finding belongs to the other target.
if(NOT _count EQUAL 1 OR NOT _rule STREQUAL "evguard-blocking-call"
   OR NOT _callee STREQUAL "usleep" OR NOT _uri STREQUAL "main.c")
  message(FATAL_ERROR "unexpected findings in ${_sarif}: ${_count} results, the first: rule=${_rule} callee=${_callee} uri=${_uri}")
endif()
if(NOT EXISTS "${VALIDATOR}")
  message(FATAL_ERROR "the SARIF validator ${VALIDATOR} is missing (../shared/sarif next to the project)")
endif()
run_step("validate-sarif --strict" python3 "${VALIDATOR}" --strict "${_sarif}")

# Without EXIT_ZERO the finding fails the build, and the report is there.
execute_process(COMMAND ${CMAKE_COMMAND} --build "${_app_build}" --target evguard-gated_app
                RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
if(_rc EQUAL 0)
  message(FATAL_ERROR "evguard-gated_app succeeded although gated.c has a blocking call")
endif()
file(READ "${_app_build}/evguard-gated_app.json" _json)
string(JSON _count LENGTH "${_json}" findings)
string(JSON _callee GET "${_json}" findings 0 callee)
string(JSON _file GET "${_json}" findings 0 file)
if(NOT _count EQUAL 1 OR NOT _callee STREQUAL "usleep" OR NOT _file MATCHES "(^|/)gated\\.c$")
  message(FATAL_ERROR "evguard-gated_app.json: expected only the usleep finding in gated.c, got ${_count}, the first '${_callee}' in '${_file}'")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "evguard CMake package: OK")
