#pragma once
// `crashlab advise --verify`: the proposal run on this kernel. The shipped cases
// closest to each promise (host-crash/idle-keepalive, host-crash/send,
// partition/heal-before-timeout) become case specs in memory with the proposal
// applied as --set assignments and the promise as their expectations, and run all
// at once through run_case.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/advise/search.hpp"
#include "runner/case/case_spec.hpp"
#include "runner/result/case_result.hpp"

namespace crashlab::runner::advise {

enum class Promise { DetectsCrash, SurvivesOutage };

struct VerifyRun {
  std::string what;  // "host crash, idle connection"
  Promise promise = Promise::DetectsCrash;
  CaseSpec spec;
  // DetectsCrash: the model's interval after the fault (earliest, worst).
  std::optional<double> predicted_lo_ms, predicted_hi_ms;
};

// The runs that prove `c` for `r`: a host crash per traffic kind asked for, and per
// kind an outage of --survive-outage healing in time (none when it is 0). Reads the
// shipped cases under `cases_dir`; throws InputError (naming the file) when they
// are missing or no longer parse.
std::vector<VerifyRun> verify_runs(const Candidate& c, const Request& r, const std::string& cases_dir);

struct VerifyOutcome {
  VerifyRun run;
  CaseResult result;
  bool holds = false;                      // the case's expectations (the promise) held
  std::optional<double> measured_ms;       // the surviving side's first error after the fault
  std::optional<bool> inside_prediction;   // DetectsCrash: measured inside the model's window
  std::string result_file;                 // "" when it could not be written
};

// Runs every spec at once (one thread each), writing each result into `out_dir`.
std::vector<VerifyOutcome> run_verification(std::vector<VerifyRun> runs, const std::string& out_dir, int hz);

bool all_hold(const std::vector<VerifyOutcome>& v);
nlohmann::json verify_json(const std::vector<VerifyOutcome>& v, const std::string& out_dir);
std::string verify_text(const std::vector<VerifyOutcome>& v, const std::string& out_dir);

}  // namespace crashlab::runner::advise
