#include "runner/cli/sweep_command.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "runner/cli/case_list.hpp"
#include "runner/cli/exit_code.hpp"
#include "runner/cli/interrupt.hpp"
#include "runner/cli/privilege_probe.hpp"
#include "runner/cli/run_plan.hpp"
#include "runner/cli/sweep_runs.hpp"
#include "runner/cli/terminal.hpp"
#include "runner/sweep/sweep_page.hpp"

namespace crashlab::runner::cli {

namespace {
namespace fs = std::filesystem;
using namespace crashlab::runner::sweep;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

// One panel per combination of the second and later varied values.
std::vector<PagePanel> panels(const CaseSpec& base, const std::vector<Vary>& varies, const std::vector<PlannedPoint>& points,
                              const std::vector<PointSummary>& summaries, const std::vector<std::vector<RepeatOutcome>>& runs) {
  std::vector<PagePanel> out;
  std::vector<std::string> titles;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i].point;
    std::string title;
    for (size_t k = 1; k < p.keys.size(); ++k) title += (k > 1 ? ", " : "") + p.short_keys[k] + "=" + p.values[k];
    auto at = std::find(titles.begin(), titles.end(), title);
    if (at == titles.end()) {
      titles.push_back(title);
      PagePanel panel;
      panel.title = title;
      panel.curve = model_curve(base, varies, p);
      out.push_back(std::move(panel));
      at = titles.end() - 1;
    }
    PagePanel& panel = out[size_t(at - titles.begin())];
    double x = double(panel.xs.size());
    try {
      x = std::stod(p.values[0]);
    } catch (...) {
    }
    panel.xs.push_back(x);
    panel.points.push_back(summaries[i]);
    panel.repeats.push_back(runs[i]);
  }
  return out;
}
}  // namespace

int sweep_command(const Options& o) {
  const auto invalid = [](const std::string& why) {
    std::cerr << "crashlab sweep: " << why << "\n";
    return code(ExitCode::InvalidInput);
  };
  const std::vector<CaseSpec> specs = load_cases(o.paths, o.sets);
  if (specs.size() != 1) return invalid("CASE must name one case file (" + std::to_string(specs.size()) + " found)");
  if (o.vary.empty()) return invalid("--vary is required");
  std::vector<Vary> varies;
  for (const std::string& v : o.vary) varies.push_back(parse_vary(v));
  const std::vector<PlannedPoint> points = plan_points(specs[0], varies);
  const Role watched = watched_side(specs[0]);
  std::vector<double> expected;
  for (const PlannedPoint& p : points)
    for (int r = 0; r < o.repeat; ++r) expected.push_back(p.expected_ms);
  const size_t jobs = o.jobs > 0 ? size_t(o.jobs) : expected.size();
  if (!o.quiet) std::cerr << expected_duration_note(expected_wall_ms(expected, jobs));
  if (auto problem = namespace_privilege_problem()) return invalid(*problem);
  std::error_code ec;
  fs::create_directories(o.sweep_out, ec);
  if (ec) return invalid("--out " + o.sweep_out + ": " + ec.message());
  watch_interrupts();
  SweepRuns runs(points, watched, o.sweep_out, size_t(o.repeat), jobs,
                 !o.quiet && !o.no_progress && can_redraw(STDERR_FILENO));
  const std::vector<std::vector<RepeatOutcome>> outcomes = runs.execute();
  if (interrupted()) return code(ExitCode::Interrupted);

  std::vector<PointSummary> summaries;
  for (size_t i = 0; i < points.size(); ++i) summaries.push_back(summarize(points[i].point, outcomes[i], points[i].model));
  const std::string table = summary_table(summaries);
  const fs::path dir(o.sweep_out);
  write_file(dir / "summary.json", summary_json(specs[0].name, watched, summaries).dump(2) + "\n");
  write_file(dir / "summary.csv", summary_csv(summaries));
  write_file(dir / "sweep.html",
             sweep_page(specs[0].name, varies[0].key, watched, panels(specs[0], varies, points, summaries, outcomes), table));
  std::cout << table << "summary: " << (dir / "summary.json").string() << ", " << (dir / "summary.csv").string()
            << "; page: " << (dir / "sweep.html").string() << "\n";
  bool all_passed = true;
  for (const PointSummary& s : summaries) all_passed = all_passed && s.passed == s.n;
  return code(all_passed ? ExitCode::AllPassed : ExitCode::CaseFailed);
}

}  // namespace crashlab::runner::cli
