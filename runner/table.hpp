#pragma once
#include <string>
#include <vector>

#include "runner/result/case_result.hpp"

namespace crashlab::runner {

// How rows are laid out: no line wider than `width`; colour for the verdicts.
struct RowStyle {
  size_t width = 80;
  bool color = false;
};

// The per-case block the terminal shows: fault, each side's states, what the
// application saw, detection time, expected window, the model's view, verdict.
std::string render_case(const CaseResult& r, const RowStyle& style = {});

// What a run ended with, for its last lines.
struct RunSummary {
  std::vector<const CaseResult*> finished;  // in the order of the case list
  size_t planned = 0;                       // cases the run meant to run (repeats included)
  double wall_s = 0;
  bool interrupted = false;
  std::vector<std::string> unwritten;       // "<case>: <why>" for results that could not be written
};
// One line per failed or errored case (its first failed expectation, or its error),
// the counts with errors apart from failures, the wall time, and "interrupted".
std::string render_summary(const RunSummary& s, const RowStyle& style = {});

}  // namespace crashlab::runner
