#pragma once
// `crashlab advise`: the model's search, printed for a person or as JSON, and with
// --verify the proposal run on this kernel.
#include "runner/cli/options.hpp"

namespace crashlab::runner::cli {

// 0: a proposal (that held, with --verify); 1: none, or it did not hold; 2: bad input.
int advise_command(const Options& o);

}  // namespace crashlab::runner::cli
