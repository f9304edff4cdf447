# evguard_analyze(TARGET <target>
#                 [FORMAT text|json|sarif]   # default: sarif
#                 [OUTPUT <file>]            # default: <binary dir>/evguard-<target>.<ext>
#                 [DB <file>...]             # extra annotation database files
#                 [CONFIG <file>]            # instead of looking for .evguard.json
#                 [BASELINE <file>]          # report only findings not in this SARIF
#                 [SOURCE_ROOT <dir>]        # paths in reports relative to it (default:
#                                            # the git work tree holding the build dir)
#                 [OPTIONS <arg>...]         # any other evguard arguments
#                 [EXIT_ZERO]                # findings do not fail the build
#                 [PER_TU])                  # one build action per TU (below)
#
# Adds a custom target evguard-<target> that runs evguard on <target>'s
# sources with the build's compile_commands.json: the whole program is
# analyzed, findings are limited to the target's own sources. Findings make
# the target fail (exit status 1) unless EXIT_ZERO is given; the report is
# written either way. Needs a generator that writes compile_commands.json
# (Ninja or Makefiles); the target's EXPORT_COMPILE_COMMANDS is turned on.
#
# PER_TU splits the run into build actions: one `evguard summarize` per TU
# (inputs: the source, the files its depfile lists, the compile database and
# evguard itself; output: its summary) and one `evguard link` over the
# summaries of the target and of the in-project libraries it links. The
# build tool then runs the TUs in parallel, re-runs only those whose inputs
# changed, and a build farm that runs Ninja actions remotely takes them as
# they are. The report is the same as without PER_TU.
include_guard(GLOBAL)

function(evguard_analyze)
  cmake_parse_arguments(PARSE_ARGV 0 EVG "EXIT_ZERO;PER_TU"
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

  # What summaries depend on: the database files and the config naming more.
  set(_db_args)
  foreach(_db IN LISTS EVG_DB)
    cmake_path(ABSOLUTE_PATH _db BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _db_args --db "${_db}")
  endforeach()
  if(EVG_CONFIG)
    cmake_path(ABSOLUTE_PATH EVG_CONFIG BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _db_args --config "${EVG_CONFIG}")
  endif()
  set(_args --format=${EVG_FORMAT} -o "${EVG_OUTPUT}" ${_db_args})
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

  if(EVG_PER_TU)
    # Every target must exist before the libraries a target links are known:
    # the rules are added once the top-level CMakeLists.txt is done.
    set(_key _evguard_per_tu_${EVG_TARGET})
    set_property(GLOBAL PROPERTY ${_key}_output "${EVG_OUTPUT}")
    set_property(GLOBAL PROPERTY ${_key}_db_args "${_db_args}")
    set_property(GLOBAL PROPERTY ${_key}_link_args ${_args} ${EVG_OPTIONS})
    set_property(GLOBAL PROPERTY ${_key}_files "${_files}")
    # A deferred call reads its arguments when it runs: bake the name in.
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _evguard_per_tu_rules [[${EVG_TARGET}]])")
    return()
  endif()
  list(PREPEND _args -p "${CMAKE_BINARY_DIR}")

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

# The target's sources and those of every in-project library it links,
# transitively: what a linker would put into the program.
function(_evguard_program_sources target out)
  set(_seen)
  set(_queue ${target})
  set(_all)
  while(_queue)
    list(POP_FRONT _queue _t)
    if(_t IN_LIST _seen OR NOT TARGET ${_t})
      continue()
    endif()
    list(APPEND _seen ${_t})
    get_target_property(_imported ${_t} IMPORTED)
    get_target_property(_type ${_t} TYPE)
    if(_imported OR _type STREQUAL "INTERFACE_LIBRARY")
      continue()
    endif()
    # Each TU's summary action reads its compile command from the database.
    set_property(TARGET ${_t} PROPERTY EXPORT_COMPILE_COMMANDS ON)
    get_target_property(_sources ${_t} SOURCES)
    get_target_property(_dir ${_t} SOURCE_DIR)
    foreach(_src IN LISTS _sources)
      if(_src MATCHES "\\$<" OR NOT _src MATCHES "\\.(c|cc|cpp|cxx|C|c\\+\\+)$")
        continue()
      endif()
      cmake_path(ABSOLUTE_PATH _src BASE_DIRECTORY "${_dir}" NORMALIZE)
      list(APPEND _all "${_src}")
    endforeach()
    get_target_property(_libs ${_t} LINK_LIBRARIES)
    foreach(_lib IN LISTS _libs)
      if(_lib AND NOT _lib MATCHES "\\$<" AND TARGET ${_lib})
        list(APPEND _queue ${_lib})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_DUPLICATES _all)
  set(${out} "${_all}" PARENT_SCOPE)
endfunction()

function(_evguard_per_tu_rules target)
  set(_key _evguard_per_tu_${target})
  get_property(_output GLOBAL PROPERTY ${_key}_output)
  get_property(_db_args GLOBAL PROPERTY ${_key}_db_args)
  get_property(_link_args GLOBAL PROPERTY ${_key}_link_args)
  get_property(_files GLOBAL PROPERTY ${_key}_files)
  _evguard_program_sources(${target} _sources)
  set(_summaries)
  foreach(_src IN LISTS _sources)
    cmake_path(RELATIVE_PATH _src BASE_DIRECTORY "${CMAKE_SOURCE_DIR}" OUTPUT_VARIABLE _rel)
    string(REPLACE ".." "__" _rel "${_rel}")
    set(_summary "${CMAKE_BINARY_DIR}/evguard-summaries/${_rel}.evgsum.json")
    list(APPEND _summaries "${_summary}")
    # A TU linked into several analyzed programs gets one rule.
    get_property(_done GLOBAL PROPERTY "_evguard_rule_${_summary}")
    if(_done)
      continue()
    endif()
    set_property(GLOBAL PROPERTY "_evguard_rule_${_summary}" TRUE)
    cmake_path(GET _summary PARENT_PATH _summary_dir)
    file(MAKE_DIRECTORY "${_summary_dir}")
    add_custom_command(OUTPUT "${_summary}"
      COMMAND evguard::evguard summarize -p "${CMAKE_BINARY_DIR}" ${_db_args}
              "${_src}" -o "${_summary}" --depfile "${_summary}.d"
      DEPENDS "${_src}" "${CMAKE_BINARY_DIR}/compile_commands.json"
              "$<TARGET_FILE:evguard::evguard>"
      DEPFILE "${_summary}.d"
      WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
      COMMENT "evguard: summarizing ${_rel}"
      VERBATIM)
  endforeach()
  set(_only)
  foreach(_f IN LISTS _files)
    list(APPEND _only --only "${_f}")
  endforeach()
  cmake_path(GET _output PARENT_PATH _output_dir)
  add_custom_command(OUTPUT "${_output}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${_output_dir}"
    COMMAND evguard::evguard link ${_link_args} ${_only} ${_summaries}
    DEPENDS ${_summaries} "$<TARGET_FILE:evguard::evguard>"
    WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
    COMMENT "evguard: linking ${target}'s summaries -> ${_output}"
    VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(evguard-${target} DEPENDS "${_output}")
  add_dependencies(evguard-${target} ${target})
endfunction()
