#include "runner/cli/sweep/sweep_outputs.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>

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

bool write_sweep_outputs(const CaseSpec& base, const std::vector<Vary>& varies, const std::vector<PlannedPoint>& points,
                         const std::vector<std::vector<RepeatOutcome>>& outcomes, const std::string& dir, std::ostream& out) {
  const Role watched = watched_side(base);
  std::vector<PointSummary> summaries;
  for (size_t i = 0; i < points.size(); ++i) summaries.push_back(summarize(points[i].point, outcomes[i], points[i].model));
  const std::string table = summary_table(summaries);
  const fs::path d(dir);
  write_file(d / "summary.json", summary_json(base.name, watched, summaries).dump(2) + "\n");
  write_file(d / "summary.csv", summary_csv(summaries));
  write_file(d / "sweep.html",
             sweep_page(base.name, varies[0].key, watched, panels(base, varies, points, summaries, outcomes), table));
  out << table << "summary: " << (d / "summary.json").string() << ", " << (d / "summary.csv").string()
      << "; page: " << (d / "sweep.html").string() << "\n";
  return std::all_of(summaries.begin(), summaries.end(), [](const PointSummary& s) { return s.passed == s.n; });
}

}  // namespace crashlab::runner::cli
