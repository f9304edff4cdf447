# Compile and link a target against LLVM/Clang 19 the way the stock Debian
# binaries are built: the shared libclang-cpp and libLLVM, so that our
# clang-tidy plugin shares one registry with clang-tidy-19 itself.
function(evguard_use_llvm target)
  target_include_directories(${target} SYSTEM PUBLIC ${LLVM_INCLUDE_DIRS} ${CLANG_INCLUDE_DIRS})
  separate_arguments(_defs NATIVE_COMMAND "${LLVM_DEFINITIONS}")
  target_compile_definitions(${target} PUBLIC ${_defs})
  if(NOT LLVM_ENABLE_RTTI)
    target_compile_options(${target} PUBLIC -fno-rtti)
  endif()
  target_link_libraries(${target} PUBLIC clang-cpp LLVM)
endfunction()
