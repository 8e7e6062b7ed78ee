# Writes runner/cli/version.hpp with the project version and the source tree's git
# revision. Run at every build (the crashlab_version target), not only at configure:
# configure_file() rewrites the header only when the revision changed, so a new commit
# recompiles its two users and nothing else. -DSOURCE_DIR= -DBINARY_DIR= -DPROJECT_VERSION=
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse --short=12 HEAD
  OUTPUT_VARIABLE CRASHLAB_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE git_status)
if(NOT git_status EQUAL 0 OR CRASHLAB_GIT_REVISION STREQUAL "")
  set(CRASHLAB_GIT_REVISION unknown)
endif()
configure_file(${SOURCE_DIR}/runner/cli/version.hpp.in ${BINARY_DIR}/generated/runner/cli/version.hpp @ONLY)
