#pragma once
// Fitting text into a terminal's columns at word boundaries.
#include <cstddef>
#include <string>

namespace crashlab::runner::cli {

// Breaks `line` (no newline in it) at spaces so that no line is wider than
// `width`; continuation lines start with `indent` spaces. A word longer than the
// room is cut (nothing else fits it). Every line ends with "\n".
std::string wrap(const std::string& line, size_t width, size_t indent);
// The same for every line of a multi-line text, each continuing at `indent`.
std::string wrap_lines(const std::string& text, size_t width, size_t indent);

}  // namespace crashlab::runner::cli
