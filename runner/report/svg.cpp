#include "runner/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "runner/report/format.hpp"
#include "runner/report/kinds.hpp"
#include "runner/report/labels.hpp"

namespace crashlab::runner::report {
namespace {

// Vertical layout of one lane, from its top.
constexpr double kRow = 15;
constexpr int kObsRows = 3, kPredRows = 2, kTopRows = 2;
constexpr double kTickH = 16, kBandH = 24;
constexpr double kBandTop = kObsRows * kRow + kTickH + 4;
constexpr double kBandBottom = kBandTop + kBandH;
constexpr double kLaneH = kBandBottom + kTickH + kPredRows * kRow + 12;
constexpr double kTop = kTopRows * kRow + 8;

class Svg {
 public:
  explicit Svg(const Panel& p) : p_(p) {}
  double x(double t) const { return p_.x(t); }
  bool in(double t) const { return p_.in(t); }
  std::ostringstream o;

  // A label at x, right of it unless that runs off the picture; left out when no row is free.
  void label(Rows& rows, double xx, double row0_y, double dir, const std::string& text, const std::string& cls,
             bool bold = false) {
    auto at = place_label(rows, xx, text_width(text, kFont, bold), kWidth - 4);
    if (!at) return;
    o << "<text class=\"" << cls << "\" x=\"" << fixed(at->left ? xx - 3 : xx + 3, 1) << "\" y=\""
      << fixed(row0_y + dir * at->row * kRow, 1) << "\"" << (at->left ? " text-anchor=\"end\"" : "") << ">"
      << esc(text) << "</text>";
  }

  // The shaded strip from t to t + late (at most to the right margin), at x = x(t).
  void late_window(double x, double t, double late, double y, const std::string& colour, const char* opacity) {
    o << "<rect x=\"" << fixed(x, 2) << "\" y=\"" << fixed(y - 2, 1) << "\" width=\""
      << fixed(std::max(std::min(this->x(t + late), kWidth - kRight) - x, 1.0), 2) << "\" height=\"4\" fill=\""
      << colour << "\" fill-opacity=\"" << opacity << "\"/>";
  }

 private:
  const Panel& p_;
};

std::string diamond(double x, double y, const std::string& cls) {
  return "<path class=\"" + cls + "\" d=\"M" + fixed(x, 1) + " " + fixed(y - 7, 1) + " l6 7 l-6 7 l-6 -7 z\"/>";
}

void draw_bands(Svg& g, const Side& s, double y, double t_end) {
  for (size_t i = 0; i < s.states.size(); ++i) {
    double a = s.states[i].t, b = i + 1 < s.states.size() ? s.states[i + 1].t : t_end;
    double x0 = std::max(g.x(a), kLeft), x1 = std::min(g.x(b), kWidth - kRight);
    if (x1 <= x0) continue;
    const std::string& st = s.states[i].state;
    g.o << "<rect class=\"band state-" << esc(st) << "\" x=\"" << fixed(x0, 2) << "\" y=\"" << fixed(y + kBandTop, 1)
        << "\" width=\"" << fixed(std::max(x1 - x0, 0.8), 2) << "\" height=\"" << kBandH << "\" fill=\""
        << state_colour(st) << "\"><title>" << esc(s.role + " " + st + " from " + ms(a)) << "</title></rect>";
    if (x1 - x0 > text_width(st, kFont) + 8)
      g.o << "<text class=\"band-label\" x=\"" << fixed(x0 + 4, 1) << "\" y=\"" << fixed(y + kBandTop + 15, 1)
          << "\">" << esc(st) << "</text>";
  }
}

void draw_marks(Svg& g, const Side& s, double y, Rows& above, Rows& below) {
  for (const Mark& m : s.marks) {
    if (!g.in(m.t)) continue;
    double x = g.x(m.t);
    std::string col = kind_colour(m.kind), xs = fixed(x, 2);
    if (!m.predicted) {
      // A segment that never left its host (its link was cut) is drawn hollow and dashed.
      double top = y + kBandTop - kTickH;
      bool gone = !m.unsent.empty();
      std::string paint = gone ? "fill=\"white\" stroke=\"" + col + "\" stroke-width=\"1.5\"" : "fill=\"" + col + "\"";
      g.o << "<g class=\"obs-tick kind-" << esc(m.kind) << (gone ? " unsent" : "") << "\"><title>"
          << esc(s.role + ": " + m.title) << "</title><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\""
          << fixed(y + kBandBottom, 1) << "\" y2=\"" << fixed(top, 1) << "\" stroke=\"" << col << "\" stroke-width=\"2\""
          << (gone ? " stroke-dasharray=\"2 2\"" : "") << "/>";
      if (m.kind == "reset_sent" || m.kind == "reset_received") {  // triangle: up = sent, down = received
        bool sent = m.kind == "reset_sent";
        g.o << "<path d=\"M" << fixed(x - 4, 1) << " " << fixed(sent ? top : top - 7, 1) << " l8 0 l-4 "
            << (sent ? "-7" : "7") << " z\" " << paint << "/>";
      } else {
        g.o << "<circle cx=\"" << xs << "\" cy=\"" << fixed(top, 1) << "\" r=\"3\" " << paint << "/>";
      }
      g.o << "</g>";
      g.label(above, x, y + kBandTop - kTickH - 6, -1, m.label, "tick-label");
    } else {
      double bot = y + kBandBottom + kTickH;
      g.o << "<g class=\"pred-tick kind-" << esc(m.kind) << "\"><title>" << esc(s.role + ": " + m.title) << "</title>";
      if (m.late_max > 0) g.late_window(x, m.t, m.late_max, bot, col, "0.25");  // when the kernel may really fire
      g.o << "<line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << fixed(y + kBandTop, 1) << "\" y2=\""
          << fixed(bot, 1) << "\" stroke=\"" << col << "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
          << "<circle cx=\"" << xs << "\" cy=\"" << fixed(bot, 1) << "\" r=\"3.5\" fill=\"white\" stroke=\"" << col
          << "\" stroke-width=\"1.5\"/></g>";
      g.label(below, x, bot + 12, 1, m.label, "tick-label pred");
    }
  }
}

void draw_detection(Svg& g, const Side& s, double y, Rows& above, Rows& below) {
  double mid = y + kBandTop + kBandH / 2;
  if (s.detected && g.in(*s.detected)) {
    double x = g.x(*s.detected);
    std::string xs = fixed(x, 2), text = "detected " + error_and_ms(s.error, *s.detected);
    g.o << "<g class=\"detect\"><title>" << esc(s.role + " " + text) << "</title><line x1=\"" << xs << "\" x2=\""
        << xs << "\" y1=\"" << fixed(y + 4, 1) << "\" y2=\"" << fixed(y + kBandBottom + 4, 1)
        << "\" stroke=\"#000\" stroke-width=\"2\"/>" << diamond(x, mid, "detect-mark") << "</g>";
    g.label(above, x, y + kBandTop - kTickH - 6, -1, text, "detect-label", true);
  }
  if (s.predicted && s.predicted->detected && g.in(*s.predicted->detected)) {
    const Prediction& p = *s.predicted;
    double x = g.x(*p.detected);
    std::string xs = fixed(x, 2), text = "predicted " + error_and_ms(p.error, *p.detected);
    g.o << "<g class=\"pred-detect\"><title>" << esc(s.role + " " + text) << "</title><line x1=\"" << xs
        << "\" x2=\"" << xs << "\" y1=\"" << fixed(y + kBandTop - 4, 1) << "\" y2=\""
        << fixed(y + kBandBottom + kTickH + 4, 1) << "\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
        << diamond(x, mid, "pred-detect-mark");
    if (p.late_max > 0) g.late_window(x, *p.detected, p.late_max, y + kBandBottom + kTickH, "#000", "0.2");
    g.o << "</g>";
    g.label(below, x, y + kBandBottom + kTickH + 12, 1, text, "detect-label pred", true);
  }
}

void draw_axis(Svg& g, const Panel& p, double y) {
  double span = p.t1 - p.t0, raw = span / ((kWidth - kLeft - kRight) / 95);
  double mag = std::pow(10, std::floor(std::log10(raw))), step = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw) {
      step = f * mag;
      break;
    }
  int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  g.o << "<line class=\"axis\" x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\"" << y << "\" y2=\"" << y
      << "\" stroke=\"#444\"/>";
  for (double t = std::ceil(p.t0 / step) * step; t <= p.t1 + step * 1e-9; t += step) {
    double tt = std::fabs(t) < step * 1e-6 ? 0 : t;
    std::string label = step >= 1000 ? fixed(tt / 1000, std::max(0, decimals - 3)) + " s" : fixed(tt, decimals) + " ms";
    std::string xs = fixed(g.x(tt), 2);
    // Centred under its tick, but kept inside the picture at either end.
    double w = text_width(label, kFont), lx = std::clamp(g.x(tt), w / 2 + 1, kWidth - w / 2 - 1);
    g.o << "<line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << kTop - 4 << "\" y2=\"" << y + 4
        << "\" stroke=\"#000\" stroke-opacity=\"0.07\"/><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << y
        << "\" y2=\"" << y + 5 << "\" stroke=\"#444\"/><text class=\"axis-label\" x=\"" << fixed(lx, 2) << "\" y=\""
        << y + 17 << "\" text-anchor=\"middle\">" << esc(label) << "</text>";
  }
}

}  // namespace

std::string draw_panel(const Result& r, const Panels& panels, size_t idx) {
  const Panel& p = panels.all[idx];
  Svg g(p);
  double lanes_h = kLaneH * double(r.sides.size()), axis_y = kTop + lanes_h + 6, h = axis_y + 26;
  // width 100% and no height: the page scales the picture to the window, keeping its proportions.
  g.o << "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 " << kWidth << " "
      << h << "\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"" << kFont << "\">";
  Rows top(kTopRows);
  // Where the detail panels of this one are.
  for (const Panel& d : panels.all) {
    if (d.parent != int(idx)) continue;
    double x0 = g.x(d.t0), x1 = std::max(g.x(d.t1), x0 + 5);
    g.o << "<rect class=\"detail-zone\" x=\"" << fixed(x0 - 1, 1) << "\" y=\"" << kTop - 4 << "\" width=\""
        << fixed(x1 - x0 + 2, 1) << "\" height=\"" << lanes_h + 10
        << "\" fill=\"#3949ab\" fill-opacity=\"0.07\" stroke=\"#3949ab\" stroke-dasharray=\"2 2\"/>";
    g.label(top, x0, kRow, 1, "detail " + d.name, "detail-label");
  }
  for (size_t i = 0; i < r.sides.size(); ++i) {
    const Side& s = r.sides[i];
    double y = kTop + kLaneH * double(i);
    g.o << "<g class=\"lane\" data-side=\"" << esc(s.role) << "\"><rect x=\"0\" y=\"" << y << "\" width=\"" << kWidth
        << "\" height=\"" << kLaneH << "\" fill=\"" << (i % 2 ? "#fafafa" : "#f3f5f8") << "\"/>"
        << "<text class=\"lane-name\" x=\"8\" y=\"" << y + kBandTop + 15 << "\">" << esc(s.role) << "</text>"
        << "<text class=\"lane-sub\" x=\"8\" y=\"" << y + kBandTop + 30 << "\">"
        << (s.alive ? "survivor" : "died (fault)") << "</text>";
    Rows above(kObsRows), below(kPredRows);
    draw_bands(g, s, y, panels.t_end);
    draw_detection(g, s, y, above, below);  // first, so its label gets the nearest row
    draw_marks(g, s, y, above, below);
    g.o << "</g>";
  }
  // A line across all lanes down to the axis, its label in the top rows.
  auto across = [&](double t, double y1, const std::string& cls, const std::string& title, const std::string& stroke,
                    const std::string& text, const std::string& text_cls, bool bold) {
    std::string xs = fixed(g.x(t), 2);
    g.o << "<g class=\"" << cls << "\">" << (title.empty() ? "" : "<title>" + esc(title) + "</title>") << "<line x1=\""
        << xs << "\" x2=\"" << xs << "\" y1=\"" << y1 << "\" y2=\"" << axis_y << "\" " << stroke << "/></g>";
    g.label(top, g.x(t), kRow, 1, text, text_cls, bold);
  };
  if (g.in(0))
    across(0, kTop - 6, "fault", "", "stroke=\"#e53935\" stroke-width=\"2.5\"", "fault: " + r.fault_text(),
           "fault-label", true);
  if (r.recovered && g.in(*r.recovered))
    across(*r.recovered, kTop - 6, "recovery", "", "stroke=\"#2e7d32\" stroke-width=\"2\" stroke-dasharray=\"6 3\"",
           "recovery" + (r.recovery_detail.empty() ? "" : ": " + r.recovery_detail), "recovery-label", true);
  for (const Mark& m : r.global)
    if (g.in(m.t))
      across(m.t, kTop - 4, "global-tick", m.title, "stroke=\"#757575\" stroke-dasharray=\"1 3\"", m.label,
             "tick-label", false);
  draw_axis(g, p, axis_y);
  g.o << "</svg>";
  return g.o.str();
}

}  // namespace crashlab::runner::report
