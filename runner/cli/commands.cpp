#include "runner/cli/commands.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runner/case/case_files.hpp"
#include "runner/cli/advise_command.hpp"
#include "runner/case/overrides.hpp"
#include "runner/cli/run/case_list.hpp"
#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/interrupt.hpp"
#include "runner/cli/options.hpp"
#include "runner/cli/run/privilege_probe.hpp"
#include "runner/cli/run/run_folder.hpp"
#include "runner/cli/run/run_plan.hpp"
#include "runner/cli/run/run_session.hpp"
#include "runner/cli/sweep/sweep_command.hpp"
#include "runner/cli/output/terminal.hpp"
#include "runner/cli/output/text_wrap.hpp"
#include "runner/report/report.hpp"

namespace crashlab::runner::cli {

namespace {
int invalid(const std::string& why) {
  std::cerr << (why.rfind("crashlab", 0) == 0 ? "" : "crashlab: ") << why << "\n";
  return code(ExitCode::InvalidInput);
}

// The overrides a refusal follows from, named as they were given.
std::string overrides_text(const std::vector<std::string>& sets) {
  std::string s;
  for (const std::string& a : sets) s += (s.empty() ? " (" : ", ") + std::string("--set ") + a;
  return s.empty() ? s : s + ")";
}

// Every check that can refuse the run happens here, before anything is created
// (apart from the --out folder itself, which the check creates).
int run_command(const Options& o) {
  const std::vector<CaseSpec> specs = load_cases(o.paths, o.sets, o.ip);
  const RunPlan planned = plan_run(specs, load_cases(o.paths, {}, o.ip), o.window_ms, size_t(o.jobs), o.repeat);
  if (planned.problem) return invalid(*planned.problem + overrides_text(o.sets));
  // Before anything is created (the results folder, the JUnit file).
  if (auto problem = cannot_run_cases()) return invalid(*problem);
  if (auto problem = check_results_folder(o.out)) return invalid(*problem);
  if (o.junit && !std::ofstream(*o.junit, std::ios::app))
    return invalid("--junit " + *o.junit + ": cannot write the file");
  std::string folder;
  try {
    folder = start_run_folder(o.out);
  } catch (const std::exception& e) {
    return invalid(e.what());
  }
  std::vector<const CaseSpec*> queue;
  for (int r = 0; r < o.repeat; ++r)
    for (const auto& s : specs) queue.push_back(&s);
  if (!o.quiet) std::cerr << expected_duration_note(planned.expected_wall_ms);
  watch_interrupts();
  return RunSession(std::move(queue), o, folder).execute();
}

int list_command(const Options& o) {
  const std::vector<CaseSpec> specs = load_cases(o.paths, {});
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : specs)
      out.push_back({{"name", s.name},
                     {"file", s.file},
                     {"ip", s.ipv6 ? "ipv6" : "ipv4"},
                     {"description", s.description},
                     {"window_ms", s.window_ms}});
    std::cout << out.dump(2) << "\n";
  } else {
    const size_t width = terminal_width(STDOUT_FILENO);
    for (const auto& s : specs) std::cout << s.name << "\n" << wrap("    " + s.description, width, 4);
  }
  return code(ExitCode::AllPassed);
}

int validate_command(const Options& o) {
  for (const auto& s : load_cases(o.paths, {})) std::cout << "ok  " << s.name << "  (" << s.file << ")\n";
  return code(ExitCode::AllPassed);
}

int dispatch(int argc, const char* const* argv) {
  ParseOutcome parsed = parse_command_line(argc, argv, std::cout, std::cerr);
  if (!parsed.options) return parsed.exit_code;
  const Options& o = *parsed.options;
  try {
    switch (o.command) {
      case Command::Run: return run_command(o);
      case Command::List: return list_command(o);
      case Command::Validate: return validate_command(o);
      case Command::Sweep: return sweep_command(o);
      case Command::Advise: return advise_command(o);
      case Command::Report: return report_command(o.paths, o.report_out.value_or(""), std::cerr);
      case Command::HelpMarkdown: std::cout << help_markdown(); return code(ExitCode::AllPassed);
    }
  } catch (const CaseError& e) {
    return invalid(e.what());
  }
  return code(ExitCode::InvalidInput);
}
}  // namespace

// No exception leaves main: bad input is exit 2 (above), anything else a failure.
int crashlab_main(int argc, const char* const* argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "crashlab: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "crashlab: internal error (unknown exception)\n";
  }
  return code(ExitCode::CaseFailed);
}

}  // namespace crashlab::runner::cli
