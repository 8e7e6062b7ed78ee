#pragma once
// Where the timeline's text goes: how wide a label is, and rows that keep labels
// apart (a label takes the first row where it touches no other; none free: it is
// left out and its mark's tooltip carries the text).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crashlab::runner::report {

// Width in px of text at font_px, an upper bound for DejaVu Sans and the
// Arial-metric fonts (Liberation Sans, Arial, Helvetica) the page asks for.
double text_width(const std::string& text, double font_px, bool bold = false);

class Rows {
 public:
  explicit Rows(int n) : rows_(size_t(n)) {}
  // The row for [x0, x1] (gap px clear of every label in it), or -1.
  int place(double x0, double x1, double gap = 4);

 private:
  std::vector<std::vector<std::pair<double, double>>> rows_;
};

struct PlacedLabel {
  double x0, x1;  // its extent
  int row;
  bool left;  // drawn left of its mark (text-anchor end)
};

// A label of width w for a mark at x: right of it, or left of it when it would run
// past right_edge; nullopt when no row is free.
std::optional<PlacedLabel> place_label(Rows& rows, double x, double w, double right_edge);

}  // namespace crashlab::runner::report
