#pragma once
// The exit codes every path of `crashlab` honours (docs/cli.md).
namespace crashlab::runner::cli {

enum class ExitCode : int {
  AllPassed = 0,    // every case ran and every expectation held
  CaseFailed = 1,   // a case failed, was distorted, could not run, or its result could not be written
  InvalidInput = 2, // bad arguments, case files, --out, or privileges; nothing ran
  Interrupted = 130 // SIGINT/SIGTERM: finished cases are reported and written
};

inline int code(ExitCode c) { return static_cast<int>(c); }

// For --help and docs/cli.md.
constexpr const char* kExitCodeText =
    "Exit codes: 0 every case passed; 1 a case failed, was distorted (the runner\n"
    "itself ran late) or could not run, or a result could not be written; 2 invalid\n"
    "input (arguments, case files, --out, privileges), nothing ran; 130\n"
    "interrupted (SIGINT/SIGTERM), finished cases are still reported.";

}  // namespace crashlab::runner::cli
