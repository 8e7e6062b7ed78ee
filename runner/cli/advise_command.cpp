#include "runner/cli/advise_command.hpp"

#include <iostream>

#include "runner/advise/advice_json.hpp"
#include "runner/advise/advice_text.hpp"
#include "runner/advise/verify.hpp"
#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/installed_cases.hpp"
#include "runner/cli/run/privilege_probe.hpp"
#include "runner/cli/run/run_folder.hpp"
#include "runner/run/environment.hpp"

namespace crashlab::runner::cli {

namespace {
int refuse(const std::string& why) {
  std::cerr << "crashlab advise: " << why << "\n";
  return code(ExitCode::InvalidInput);
}

// The running kernel's tick, which the timer wheel's lateness depends on.
int kernel_hz() { return machine_hz().value_or(advise::Request{}.hz); }
}  // namespace

int advise_command(const Options& o) {
  advise::Request r = o.advise;
  r.hz = kernel_hz();
  if (std::string why = advise::request_problem(r); !why.empty()) return refuse(why);
  const advise::Advice a = advise::advice_for(r);

  std::vector<advise::VerifyOutcome> verified;
  std::string folder;
  if (o.verify && a.search.proposal) {
    // Every refusal before anything is created: the cases, the folder, the privilege.
    const auto runs = advise::verify_runs(*a.search.proposal, r, default_cases_dir());
    if (auto problem = cannot_run_cases()) return refuse(*problem);
    if (auto problem = check_results_folder(o.out)) return refuse(*problem);
    try {
      folder = start_run_folder(o.out);
    } catch (const std::exception& e) {
      return refuse(e.what());
    }
    if (o.format == Format::Text)
      std::cerr << "advise: running " << runs.size() << " cases at once on this kernel (up to "
                << advise::duration_text(double(r.detect_within_ms)) << " and a margin)...\n";
    verified = advise::run_verification(runs, folder, r.hz);
  }

  if (o.format == Format::Json) {
    nlohmann::json j = advise::to_json(a);
    if (o.verify) j["verify"] = a.search.proposal ? advise::verify_json(verified, folder) : nlohmann::json(nullptr);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << advise::to_text(a);
    if (!verified.empty()) std::cout << advise::verify_text(verified, folder);
  }
  if (!a.search.proposal) return code(ExitCode::CaseFailed);
  return o.verify && !advise::all_hold(verified) ? code(ExitCode::CaseFailed) : code(ExitCode::AllPassed);
}

}  // namespace crashlab::runner::cli
