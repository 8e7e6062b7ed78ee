#include "runner/cli/sweep/sweep_command.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <iostream>

#include "runner/case/case_files.hpp"
#include "runner/cli/run/case_list.hpp"
#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/interrupt.hpp"
#include "runner/cli/run/privilege_probe.hpp"
#include "runner/cli/run/run_plan.hpp"
#include "runner/cli/sweep/sweep_merge.hpp"
#include "runner/cli/sweep/sweep_out.hpp"
#include "runner/cli/sweep/sweep_outputs.hpp"
#include "runner/cli/sweep/sweep_runs.hpp"
#include "runner/cli/output/terminal.hpp"
#include "runner/cli/version.hpp"

namespace crashlab::runner::cli {

namespace {
using namespace crashlab::runner::sweep;

int invalid(const std::string& why) {
  std::cerr << "crashlab sweep: " << why << "\n";
  return code(ExitCode::InvalidInput);
}

std::string kernel_release() {
  utsname u{};
  return ::uname(&u) == 0 ? u.release : "unknown";
}

SweepIdentity identity_of(const Options& o, const CaseSpec& spec, const std::vector<Vary>& varies) {
  SweepIdentity id;
  id.case_path = spec.file;
  id.case_name = spec.name;
  id.case_content = read_case_json(spec.file);
  id.case_hash = case_hash(id.case_content, spec);
  id.sets = o.sets;
  id.vary_given = o.vary;
  id.varies = varies;
  id.repeat = size_t(o.repeat);
  id.window_ms = o.window_ms;
  id.kernel = kernel_release();
  id.version = std::string(kVersion) + " (git " + kGitRevision + ")";
  id.shard = o.shard;
  return id;
}

// The shard's share: the points it runs and how many runs each.
struct Share {
  std::vector<PlannedPoint> points;
  std::vector<size_t> runs;
  std::vector<CaseSpec> as_run;  // one per run, for plan_run
};

Share share_of(const std::vector<PlannedPoint>& all, Shard shard, size_t repeat) {
  Share s;
  for (size_t i = 0; i < all.size(); ++i)
    if (size_t n = runs_owned(shard, i, repeat)) {
      s.points.push_back(all[i]);
      s.runs.push_back(n);
      s.as_run.insert(s.as_run.end(), n, all[i].spec);
    }
  return s;
}
}  // namespace

int sweep_command(const Options& o) {
  if (!o.merge.empty()) return merge_command(o);
  if (o.paths.empty()) return invalid("CASE is required (or --merge DIR... to merge a sweep's shards)");
  if (o.vary.empty()) return invalid("--vary is required");
  std::vector<CaseSpec> specs = load_cases(o.paths, o.sets, o.ip);
  // A case that holds in both families sweeps its IPv4 run unless --ip picks.
  if (specs.size() == 2 && specs[0].file == specs[1].file) specs.resize(1);
  if (specs.size() != 1) return invalid("CASE must name one case file (" + std::to_string(specs.size()) + " found)");
  const CaseSpec as_written = load_cases(o.paths, {}, o.ip).front();
  std::vector<Vary> varies;
  for (const std::string& v : o.vary) varies.push_back(parse_vary(v));
  const Shard shard = o.shard.value_or(Shard{});
  const Share share = share_of(plan_points(specs[0], varies, o.window_ms), shard, size_t(o.repeat));
  const size_t jobs = o.jobs > 0 ? size_t(o.jobs) : share.as_run.size();
  // The same checks and estimate as `run`: the window, expectations it could never judge.
  const RunPlan planned =
      plan_run(share.as_run, std::vector<CaseSpec>(share.as_run.size(), as_written), o.window_ms, jobs, 1);
  if (planned.problem) return invalid(*planned.problem);
  const SweepIdentity id = identity_of(o, specs[0], varies);
  if (auto problem = cannot_run_cases()) return invalid(*problem);
  if (auto problem = sweep_out_problem(o.sweep_out, id, std::cerr)) return invalid(*problem);
  if (!o.quiet) std::cerr << expected_duration_note(planned.expected_wall_ms);
  try {
    start_sweep_folder(o.sweep_out, id);
  } catch (const std::exception& e) {
    return invalid(e.what());
  }
  if (share.points.empty()) {
    std::cerr << "sweep: shard " << shard_text(shard) << " has no runs (the sweep has fewer runs than shards)\n";
    return code(ExitCode::AllPassed);
  }
  watch_interrupts();
  const SweepProgress progress = o.quiet || o.no_progress    ? SweepProgress::None
                                 : can_redraw(STDERR_FILENO) ? SweepProgress::Redraw
                                                             : SweepProgress::Lines;
  SweepRuns runs(share.points, share.runs, watched_side(specs[0]), o.sweep_out, jobs, progress, o.window_ms);
  const std::vector<std::vector<RepeatOutcome>> outcomes = runs.execute();
  if (interrupted()) return code(ExitCode::Interrupted);
  if (o.shard) std::cout << "shard " << shard_text(shard) << " of the sweep: its own runs only; merge with --merge\n";
  const bool all_passed = write_sweep_outputs(specs[0], varies, share.points, outcomes, o.sweep_out, std::cout);
  return code(all_passed ? ExitCode::AllPassed : ExitCode::CaseFailed);
}

}  // namespace crashlab::runner::cli
