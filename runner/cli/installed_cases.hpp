#pragma once
#include <string>

namespace crashlab::runner::cli {

// The cases a command runs when given none: ./cases where it exists (a source
// tree), else the catalogue `cmake --install` put beside the program
// (<prefix>/share/crashlab/cases), else "cases", which then fails naming that path.
std::string default_cases_dir();

}  // namespace crashlab::runner::cli
