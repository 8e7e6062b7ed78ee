#pragma once
// One panel of a result's timeline as an SVG picture: a lane per side with its
// state bands, observed ticks above them and predicted ones below, the fault and
// the recovery across all lanes, a time axis, and where this panel's details are.
#include <cstddef>
#include <string>

#include "runner/report/panels.hpp"
#include "runner/report/result.hpp"

namespace crashlab::runner::report {

std::string draw_panel(const Result& r, const Panels& panels, size_t idx);

}  // namespace crashlab::runner::report
