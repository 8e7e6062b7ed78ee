#pragma once
#include <string>

namespace crashlab::runner::cli {

// The cases a command runs when given none: ./cases where it exists (a source
// tree), else the catalogue `cmake --install` put beside the program
// (<prefix>/share/crashlab/cases), else "cases", which then fails naming that path.
std::string default_cases_dir();

// A case path as given where it exists (or is absolute); else, where the catalogue
// has it, the catalogue's ("host-crash/send.json" from anywhere, once installed);
// else as given, for the loader to name in its error.
std::string case_path(const std::string& given);

}  // namespace crashlab::runner::cli
