# Build time (docs/benchmarks.md, "Build time"): how the ~230 files and ~30 programs are
# compiled and linked, never what is built. Included by CMakeLists.txt before any target.

# ---- linker ----------------------------------------------------------------
# mold (scripts/packages.txt), else gold, else the default ld: the programs all link the
# same static libraries with their debug info, which ld.bfd spends most of a link on.
set(CRASHLAB_LINKER "auto" CACHE STRING "linker for -fuse-ld= (auto: mold, else gold, else the default)")
if(CRASHLAB_LINKER STREQUAL "auto")
  include(CheckLinkerFlag)
  foreach(ld mold gold)
    check_linker_flag(CXX -fuse-ld=${ld} CRASHLAB_HAVE_LD_${ld})
    if(CRASHLAB_HAVE_LD_${ld})
      add_link_options(-fuse-ld=${ld})
      break()
    endif()
  endforeach()
elseif(CRASHLAB_LINKER)
  add_link_options(-fuse-ld=${CRASHLAB_LINKER})
endif()

# ---- test code -------------------------------------------------------------
# The tests' own files (tests/, fixtures/, model/tests/) are drivers: what they test is
# compiled in the libraries with the build type's flags, unchanged.
set(CRASHLAB_TEST_CODE_FLAGS "-O1;-g0" CACHE STRING "compile options for test-only files, after the build type's")

function(crashlab_test_code target)
  target_compile_options(${target} PRIVATE ${CRASHLAB_TEST_CODE_FLAGS})
  crashlab_use_pch(${target} crashlab_test_pch)
endfunction()

# ---- precompiled headers ---------------------------------------------------
# The standard and third-party headers most files include, parsed once per flag set
# rather than once per file: crashlab_pch for the libraries and programs, crashlab_test_pch
# (GoogleTest too) for the tests. Each is owned by an empty target with only the flags its
# users all share: GCC refuses a precompiled header when a macro defined at its creation is
# missing at use, but a user's own -D (CRASHLAB_ENDPOINT_FROM_BIN, CRASHLAB_SOURCE_DIR, Boost's)
# is fine, as the header never looks at it. Only system headers: editing crashlab's own
# never rebuilds them. GCC only (`make fuzz` builds with clang).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT CRASHLAB_FUZZ)
  set(pch_default ON)
else()
  set(pch_default OFF)
endif()
option(CRASHLAB_PCH "precompiled headers for the standard, JSON and GoogleTest headers" ${pch_default})

set(CRASHLAB_PCH_HEADERS
  <algorithm> <chrono> <cstdint> <filesystem> <fstream> <functional> <map> <memory> <optional>
  <set> <sstream> <stdexcept> <string> <string_view> <thread> <vector> <nlohmann/json.hpp>)

function(crashlab_use_pch target owner)
  if(CRASHLAB_PCH)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endif()
endfunction()

if(CRASHLAB_PCH)
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/generated/pch_owner.cpp
    CONTENT "// Compiled only to build the precompiled header (cmake/build_speed.cmake).\n")
  add_library(crashlab_pch OBJECT ${CMAKE_BINARY_DIR}/generated/pch_owner.cpp)
  target_link_libraries(crashlab_pch PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(crashlab_pch PRIVATE ${CRASHLAB_PCH_HEADERS})
  add_library(crashlab_test_pch OBJECT ${CMAKE_BINARY_DIR}/generated/pch_owner.cpp)
  target_link_libraries(crashlab_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gtest)
  target_precompile_headers(crashlab_test_pch PRIVATE ${CRASHLAB_PCH_HEADERS} <gtest/gtest.h>)
  target_compile_options(crashlab_test_pch PRIVATE ${CRASHLAB_TEST_CODE_FLAGS})
endif()

# GCC 12 warns `-Warray-bounds`, and without it `-Wstringop-overflow`, on std::string's
# own inlined memcpy (char_traits.h) in about ten string concatenations once the header
# is precompiled, none when the same headers are included as text: false positives of
# GCC 12's std::string (gone in 13). Silenced there only.
if(CRASHLAB_PCH AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options(-Wno-array-bounds -Wno-stringop-overflow)
endif()
