#pragma once
// The exit codes every path of `crashlab` honours (docs/cli.md).
namespace crashlab::runner::cli {

enum class ExitCode : int {
  AllPassed = 0,    // every case ran and every expectation held
  CaseFailed = 1,   // a case failed, could not run, or its result could not be written
  InvalidInput = 2, // bad arguments, case files, --out, or privileges; nothing ran
  Interrupted = 130 // SIGINT/SIGTERM: finished cases are reported and written
};

inline int code(ExitCode c) { return static_cast<int>(c); }

// For --help and docs/cli.md.
constexpr const char* kExitCodeText =
    "Exit codes: 0 every case passed; 1 a case failed or could not run, or a result\n"
    "could not be written; 2 invalid input (arguments, case files, --out,\n"
    "privileges), nothing ran; 130 interrupted (SIGINT/SIGTERM), finished cases\n"
    "are still reported.";

}  // namespace crashlab::runner::cli
