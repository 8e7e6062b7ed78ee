#include "runner/cli/sweep/sweep_merge.hpp"

#include <filesystem>
#include <iostream>

#include "runner/cli/exit_code.hpp"
#include "runner/cli/sweep/sweep_out.hpp"
#include "runner/cli/sweep/sweep_outputs.hpp"
#include "runner/sweep/merge.hpp"

namespace crashlab::runner::cli {

namespace {
namespace fs = std::filesystem;

int invalid(const std::string& why) {
  std::cerr << "crashlab sweep: " << why << "\n";
  return code(ExitCode::InvalidInput);
}

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  const fs::path x = fs::weakly_canonical(a, ec1), y = fs::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && x == y;
}

// The results the summary counts, under --out/<point>/, as a whole sweep keeps them.
void copy_results(const sweep::MergedSweep& m, const std::string& out) {
  for (size_t i = 0; i < m.points.size(); ++i) {
    const fs::path dir = fs::path(out) / m.points[i].point.name();
    fs::create_directories(dir);
    for (const sweep::PointResult& r : m.results[i])
      fs::copy_file(r.file, dir / fs::path(r.file).filename(), fs::copy_options::overwrite_existing);
  }
}
}  // namespace

int merge_command(const Options& o) {
  for (const std::string& d : o.merge)
    if (same_folder(d, o.sweep_out)) return invalid("--out " + o.sweep_out + " is one of the --merge folders; merge into a new one");
  sweep::MergedSweep m;
  try {
    m = sweep::merge_folders(o.merge, o.allow_mixed);
  } catch (const InputError& e) {
    return invalid(e.what());
  }
  if (auto problem = sweep_out_problem(o.sweep_out, m.identity, std::cerr)) return invalid(*problem);
  for (const std::string& note : m.notes) std::cerr << "sweep --merge: let through: " << note << "\n";
  try {
    start_sweep_folder(o.sweep_out, m.identity);
    copy_results(m, o.sweep_out);
  } catch (const std::exception& e) {
    return invalid(e.what());
  }
  std::vector<std::vector<sweep::RepeatOutcome>> outcomes(m.points.size());
  for (size_t i = 0; i < m.points.size(); ++i)
    for (const sweep::PointResult& r : m.results[i]) outcomes[i].push_back(r.outcome);
  if (!o.quiet)
    std::cerr << "sweep --merge: " << o.merge.size() << " folder(s), " << m.points.size() << " point(s) of "
              << m.identity.case_name << "\n";
  const bool all_passed =
      write_sweep_outputs(m.base, m.identity.varies, m.points, outcomes, o.sweep_out, std::cout);
  if (!m.incomplete.empty()) {
    std::cerr << "sweep --merge: " << m.incomplete.size() << " point(s) lack runs (resume their shard, then merge again):\n";
    for (const std::string& line : m.incomplete) std::cerr << "  " << line << "\n";
  }
  return code(all_passed && m.incomplete.empty() ? ExitCode::AllPassed : ExitCode::CaseFailed);
}

}  // namespace crashlab::runner::cli
