// crashlab: run, list and validate crash cases, and draw their results.
// The command line and its exit codes: runner/cli/, docs/cli.md.
#include "runner/cli/commands.hpp"

int main(int argc, char** argv) { return crashlab::runner::cli::crashlab_main(argc, argv); }
