#pragma once
// The `crashlab` program: parse the command line, run the command, return the exit code.
namespace crashlab::runner::cli {

int crashlab_main(int argc, const char* const* argv);

}  // namespace crashlab::runner::cli
