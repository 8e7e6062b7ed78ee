#include "runner/report/labels.hpp"

#include <algorithm>
#include <array>

namespace crashlab::runner::report {
namespace {
// DejaVu Sans advance widths (1/2048 em) for ' ' to '~'; it is the widest of the
// fonts the page names, so a label measured with it fits in any of them.
constexpr std::array<int, 95> kAdvance = {
    651,  821,  942,  1716, 1303, 1946, 1597, 563,  799,  799,  1024, 1716, 651,  739,  651,  690,   // ' '../
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690,  690,  1716, 1716, 1716, 1087,  // 0..?
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604,  604,  1343, 1141, 1767, 1532, 1612,  // @..O
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799,  690,  799,  1716, 1024,  // P.._
    1024, 1255, 1300, 1126, 1300, 1260, 721,  1300, 1298, 569,  569,  1186, 569,  1995, 1298, 1253,  // `..o
    1300, 1300, 842,  1067, 803,  1298, 1212, 1675, 1212, 1212, 1075, 1303, 690,  1303, 1716};       // p..~
constexpr double kBold = 1.12;        // DejaVu Sans Bold is at most this much wider
constexpr double kOther = 2048 * 1.0; // anything beyond ASCII: a full em
}  // namespace

double text_width(const std::string& text, double font_px, bool bold) {
  double units = 0;
  for (unsigned char c : text) {
    if (c >= 32 && c < 127) units += kAdvance[c - 32];
    else if ((c & 0xC0) != 0x80) units += kOther;  // a UTF-8 continuation byte adds nothing
  }
  return units / 2048 * font_px * (bold ? kBold : 1.0);
}

int Rows::place(double x0, double x1, double gap) {
  for (size_t i = 0; i < rows_.size(); ++i) {
    auto& row = rows_[i];
    if (std::none_of(row.begin(), row.end(), [&](auto& r) { return x0 < r.second + gap && r.first < x1 + gap; })) {
      row.emplace_back(x0, x1);
      return int(i);
    }
  }
  return -1;
}

std::optional<PlacedLabel> place_label(Rows& rows, double x, double w, double right_edge) {
  bool left = x + 3 + w > right_edge;
  double x0 = left ? x - 3 - w : x + 3;
  int row = rows.place(x0, x0 + w);
  if (row < 0) return std::nullopt;
  return PlacedLabel{x0, x0 + w, row, left};
}

}  // namespace crashlab::runner::report
