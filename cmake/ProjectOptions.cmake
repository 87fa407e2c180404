# Warning and sanitizer options live on interface targets that only our own
# targets link, so third-party headers and imported targets are unaffected.
add_library(hr2scim_warnings INTERFACE)
target_compile_options(hr2scim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wconversion -Wno-sign-conversion
  $<$<BOOL:${HR2SCIM_WERROR}>:-Werror>)

add_library(hr2scim_sanitizers INTERFACE)
if(ENABLE_ASAN)
  target_compile_options(hr2scim_sanitizers INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(hr2scim_sanitizers INTERFACE -fsanitize=address)
endif()
if(ENABLE_UBSAN)
  target_compile_options(hr2scim_sanitizers INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined)
  target_link_options(hr2scim_sanitizers INTERFACE -fsanitize=undefined)
endif()

if(ENABLE_TSAN)
  # Data races between the executor's workers and the HTTP client's I/O thread.
  target_compile_options(hr2scim_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(hr2scim_sanitizers INTERFACE -fsanitize=thread)
endif()

if(ENABLE_FUZZING)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ENABLE_FUZZING needs clang: CC=clang CXX=clang++ cmake ...")
  endif()
  # Our code gets coverage instrumentation; the fuzz executables add libFuzzer's main.
  target_compile_options(hr2scim_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(hr2scim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

add_library(hr2scim_options INTERFACE)
target_link_libraries(hr2scim_options INTERFACE hr2scim_warnings hr2scim_sanitizers)
target_include_directories(hr2scim_options INTERFACE ${PROJECT_SOURCE_DIR})

# hr2scim_library(NAME SOURCES... DEPS ...): one static library per folder.
function(hr2scim_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(hr2scim_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(hr2scim_${name} PUBLIC hr2scim_options ${ARG_DEPS})
endfunction()
