# evguard_runtime_example(NAME SOURCE...): an example program on the runtime,
# for examples/runtime-*/CMakeLists.txt. Works inside the evguard tree and in
# a standalone build of the example (then the runtime is added from source).
# Defines nothing when NAME exists already: tests/runtime adds the examples
# itself when the tree does not build examples/.
function(evguard_runtime_example name)
  if(TARGET ${name})
    return()
  endif()
  if(NOT TARGET evguard-runtime-static)
    if(DEFINED EVGUARD_BUILD_RUNTIME AND NOT EVGUARD_BUILD_RUNTIME)
      return()
    endif()
    add_subdirectory(${CMAKE_CURRENT_FUNCTION_LIST_DIR}
                     ${CMAKE_CURRENT_BINARY_DIR}/evguard-runtime)
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE evguard-runtime-static)
endfunction()
