#pragma once
// What the terminal allows: its width, a live line, colour.
#include <cstddef>
#include <string>

#include "runner/cli/options.hpp"

namespace crashlab::runner::cli {

// Columns of the terminal on `fd` (TIOCGWINSZ), else $COLUMNS, else 80.
size_t terminal_width(int fd);
// A live, redrawn line on `fd`: only a terminal that is not TERM=dumb.
bool can_redraw(int fd);
// Colour on `fd`: never with NO_COLOR set (non-empty); otherwise as `mode` says,
// auto meaning a terminal that is not TERM=dumb.
bool use_color(ColorMode mode, int fd);

// ANSI colour for a verdict word ("PASS", "FAIL", "ERROR"...): green, red, magenta.
std::string colored_verdict(const std::string& word);

}  // namespace crashlab::runner::cli
