# evguard_analyze(TARGET <target>
#                 [FORMAT text|json|sarif]   # default: sarif
#                 [OUTPUT <file>]            # default: <binary dir>/evguard-<target>.<ext>
#                 [DB <file>...]             # extra annotation database files
#                 [CONFIG <file>]            # instead of looking for .evguard.json
#                 [BASELINE <file>]          # report only findings not in this SARIF
#                 [SOURCE_ROOT <dir>]        # paths in reports relative to it (default:
#                                            # the git work tree holding the build dir)
#                 [OPTIONS <arg>...]         # any other evguard arguments
#                 [EXIT_ZERO])               # findings do not fail the build
#
# Adds a custom target evguard-<target> that runs evguard on <target>'s
# sources with the build's compile_commands.json: the whole program is
# analyzed, findings are limited to the target's own sources. Findings make
# the target fail (exit status 1) unless EXIT_ZERO is given; the report is
# written either way. Needs a generator that writes compile_commands.json
# (Ninja or Makefiles); the target's EXPORT_COMPILE_COMMANDS is turned on.
include_guard(GLOBAL)

function(evguard_analyze)
  cmake_parse_arguments(PARSE_ARGV 0 EVG "EXIT_ZERO"
                        "TARGET;FORMAT;OUTPUT;CONFIG;BASELINE;SOURCE_ROOT" "DB;OPTIONS")
  if(EVG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "evguard_analyze: unknown arguments: ${EVG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT EVG_TARGET)
    message(FATAL_ERROR "evguard_analyze: TARGET <target> is required")
  endif()
  if(NOT TARGET ${EVG_TARGET})
    message(FATAL_ERROR "evguard_analyze: '${EVG_TARGET}' is not a target; call evguard_analyze after add_executable/add_library")
  endif()
  if(NOT TARGET evguard::evguard)
    message(FATAL_ERROR "evguard_analyze: evguard::evguard is missing; call find_package(evguard) first")
  endif()
  if(NOT EVG_FORMAT)
    set(EVG_FORMAT sarif)
  endif()
  if(NOT EVG_FORMAT MATCHES "^(text|json|sarif)$")
    message(FATAL_ERROR "evguard_analyze: FORMAT must be text, json or sarif, not '${EVG_FORMAT}'")
  endif()
  if(NOT EVG_OUTPUT)
    set(_ext ${EVG_FORMAT})
    if(EVG_FORMAT STREQUAL "text")
      set(_ext txt)
    endif()
    set(EVG_OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/evguard-${EVG_TARGET}.${_ext}")
  endif()
  cmake_path(ABSOLUTE_PATH EVG_OUTPUT BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")

  set_property(TARGET ${EVG_TARGET} PROPERTY EXPORT_COMPILE_COMMANDS ON)

  # The target's own source files, absolute; generated ones (under the build
  # tree) and generator expressions are left out.
  get_target_property(_sources ${EVG_TARGET} SOURCES)
  get_target_property(_source_dir ${EVG_TARGET} SOURCE_DIR)
  set(_files)
  foreach(_src IN LISTS _sources)
    if(_src MATCHES "\\$<")
      continue()
    endif()
    cmake_path(ABSOLUTE_PATH _src BASE_DIRECTORY "${_source_dir}" NORMALIZE)
    cmake_path(IS_PREFIX CMAKE_BINARY_DIR "${_src}" _generated)
    if(NOT _generated)
      list(APPEND _files "${_src}")
    endif()
  endforeach()

  set(_args -p "${CMAKE_BINARY_DIR}" --format=${EVG_FORMAT} -o "${EVG_OUTPUT}")
  foreach(_db IN LISTS EVG_DB)
    cmake_path(ABSOLUTE_PATH _db BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _args --db "${_db}")
  endforeach()
  if(EVG_CONFIG)
    cmake_path(ABSOLUTE_PATH EVG_CONFIG BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _args --config "${EVG_CONFIG}")
  endif()
  if(EVG_BASELINE)
    cmake_path(ABSOLUTE_PATH EVG_BASELINE BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _args --baseline "${EVG_BASELINE}")
  endif()
  if(EVG_SOURCE_ROOT)
    cmake_path(ABSOLUTE_PATH EVG_SOURCE_ROOT BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _args --source-root "${EVG_SOURCE_ROOT}")
  endif()
  if(EVG_EXIT_ZERO)
    list(APPEND _args --exit-zero)
  endif()

  # Run from the source tree: .evguard.json is looked up from there, and
  # reports name files relative to it.
  cmake_path(GET EVG_OUTPUT PARENT_PATH _output_dir)
  add_custom_target(evguard-${EVG_TARGET}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${_output_dir}"
    COMMAND evguard::evguard ${_args} ${EVG_OPTIONS} ${_files}
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
    BYPRODUCTS "${EVG_OUTPUT}"
    COMMENT "evguard: analyzing ${EVG_TARGET} -> ${EVG_OUTPUT}"
    VERBATIM COMMAND_EXPAND_LISTS)
  # Generated headers must exist before the sources can be parsed.
  add_dependencies(evguard-${EVG_TARGET} ${EVG_TARGET})
endfunction()
