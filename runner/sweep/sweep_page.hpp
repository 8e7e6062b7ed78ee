#pragma once
// sweep.html: self-contained (inline SVG, no scripts). Per panel, detection time
// against the first varied parameter: each repeat a dot coloured by its errno,
// the median with a min-max bar, the model's acceptance window, and the model's
// predicted curve on a fine grid drawn as steps. A grid's further parameters make
// small multiples on one shared y axis (plot_axis.hpp). Pure.
#include <optional>
#include <string>
#include <vector>

#include "runner/sweep/sweep_plan.hpp"
#include "runner/sweep/summary.hpp"

namespace crashlab::runner::sweep {

struct PagePanel {
  std::string title;                               // the other varied values ("" for a one-parameter sweep)
  std::vector<double> xs;                          // the first varied value of each point
  std::vector<PointSummary> points;                // same order as xs
  std::vector<std::vector<RepeatOutcome>> repeats; // same order
  std::optional<std::vector<CurveSample>> curve;   // the model, finely
};

std::string sweep_page(const std::string& case_name, const std::string& x_label, Role watched,
                       const std::vector<PagePanel>& panels, const std::string& table_text);

// The colour an outcome is drawn in (errno name or "none").
std::string outcome_colour(const std::string& error);

}  // namespace crashlab::runner::sweep
