#include "runner/sweep/sweep_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "runner/sweep/plot_axis.hpp"

namespace crashlab::runner::sweep {

namespace {
// One panel fills the width; a 2-D grid's panels are small multiples, two to a row,
// on the same y axis so they can be compared at a glance.
struct Frame {
  double w, h;
  static constexpr double kLeft = 62, kRight = 14, kTop = 14, kBottom = 46;
};
constexpr Frame kWide{760, 380}, kSmall{400, 260};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
  return o;
}

std::string f(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Scale {
  Frame fr;
  double x0, x1;
  YAxis y_axis;
  double x(double v) const {
    return Frame::kLeft + (x1 == x0 ? 0.5 : (v - x0) / (x1 - x0)) * (fr.w - Frame::kLeft - Frame::kRight);
  }
  // Where `frac` of the axis lies (1 is the top; a little above it: no detection).
  double at(double frac) const { return fr.h - Frame::kBottom - frac * (fr.h - Frame::kTop - Frame::kBottom); }
  double y(double ms) const { return at(y_axis.fraction(ms)); }
  double top() const { return at(1.04); }
};

// The y axis every panel shares: all repeats, medians, acceptance windows and the model's curve.
YAxis shared_y_axis(const std::vector<PagePanel>& panels) {
  double lo = 0, hi = 1;
  const auto see = [&](double ms) {
    if (ms > 0) lo = lo == 0 ? ms : std::min(lo, ms);
    hi = std::max(hi, ms);
  };
  for (const PagePanel& p : panels) {
    for (const auto& s : p.points) {
      if (s.detection) see(s.detection->min), see(s.detection->max);
      if (s.model.acceptance) see(s.model.acceptance->lo), see(s.model.acceptance->hi);
    }
    if (p.curve)
      for (const auto& c : *p.curve)
        if (c.predicted_ms) see(*c.predicted_ms);
  }
  return y_axis_for(lo, hi);
}

Scale scale_for(const PagePanel& p, const Frame& fr, const YAxis& y) {
  double x0 = *std::min_element(p.xs.begin(), p.xs.end()), x1 = *std::max_element(p.xs.begin(), p.xs.end());
  const double pad = (x1 - x0) * 0.08;  // room for the dots drawn right of each point
  return {fr, x0 - pad, x1 + pad, y};
}

std::string x_tick(double x) { return std::fmod(x, 1.0) == 0 ? std::to_string((long long)x) : f(x); }

std::string axes(const Scale& s, const PagePanel& p, const std::string& x_label) {
  const Frame& fr = s.fr;
  const double bottom = fr.h - Frame::kBottom, right = fr.w - Frame::kRight;
  std::string o = "<line x1='" + f(Frame::kLeft) + "' y1='" + f(bottom) + "' x2='" + f(right) + "' y2='" + f(bottom) +
                  "' stroke='#333'/><line x1='" + f(Frame::kLeft) + "' y1='" + f(Frame::kTop) + "' x2='" + f(Frame::kLeft) +
                  "' y2='" + f(bottom) + "' stroke='#333'/>";
  for (double ms : s.y_axis.ticks)
    o += "<text x='" + f(Frame::kLeft - 6) + "' y='" + f(s.y(ms) + 4) + "' text-anchor='end' font-size='11'>" + tick_label(ms) +
         "</text><line x1='" + f(Frame::kLeft) + "' y1='" + f(s.y(ms)) + "' x2='" + f(right) + "' y2='" + f(s.y(ms)) +
         "' stroke='#e4e4e4'/>";
  // Every point's value, unless they crowd: then every k-th.
  const size_t every = std::max<size_t>(1, size_t(std::ceil(double(p.xs.size()) * 44 / (right - Frame::kLeft))));
  for (size_t i = 0; i < p.xs.size(); i += every)
    o += "<text x='" + f(s.x(p.xs[i])) + "' y='" + f(bottom + 16) + "' text-anchor='middle' font-size='11'>" + x_tick(p.xs[i]) +
         "</text>";
  const double mid_y = (Frame::kTop + bottom) / 2;
  o += "<text x='" + f((Frame::kLeft + right) / 2) + "' y='" + f(fr.h - 8) + "' text-anchor='middle' font-size='12'>" +
       esc(x_label) + "</text><text x='13' y='" + f(mid_y) + "' font-size='12' transform='rotate(-90 13 " + f(mid_y) +
       ")' text-anchor='middle'>detection after the fault" + (s.y_axis.log ? " (log)" : "") + "</text>";
  return o;
}

// A step line through the model's samples: each value holds until the next sample.
std::string curve_path(const Scale& s, const std::vector<CurveSample>& curve) {
  std::string d;
  bool open = false;
  for (size_t i = 0; i < curve.size(); ++i) {
    if (!curve[i].predicted_ms) {
      open = false;
      continue;
    }
    const double y = s.y(*curve[i].predicted_ms);
    d += (open ? " V" + f(y) : " M" + f(s.x(curve[i].x)) + " " + f(y));
    const double next_x = i + 1 < curve.size() ? curve[i + 1].x : curve[i].x;
    d += " H" + f(s.x(next_x));
    open = true;
  }
  return d.empty() ? "" : "<path d='" + d + "' fill='none' stroke='#2a9d8f' stroke-width='2'><title>model</title></path>";
}

std::string point_marks(const Scale& s, const PagePanel& p, size_t i, double band) {
  const double cx = s.x(p.xs[i]);
  std::string o;
  if (!p.points[i].model.predicted_ms)  // the model predicts no detection here, or does not cover it
    o += "<text x='" + f(cx) + "' y='" + f(s.fr.h - Frame::kBottom - 4) + "' text-anchor='middle' font-size='9' fill='#999'>" +
         "no model</text>";
  const auto& reps = p.repeats[i];
  for (size_t k = 0; k < reps.size(); ++k) {
    const double jitter = (double(k) - double(reps.size() - 1) / 2) * 5;
    const double y = reps[k].detected_ms ? s.y(*reps[k].detected_ms) : s.top();
    o += "<circle cx='" + f(cx + band / 2 + 4 + jitter) + "' cy='" + f(y) + "' r='3.5' fill='" + outcome_colour(reps[k].error) +
         "'" + (reps[k].detected_ms ? "" : " fill-opacity='0.3'") + "><title>" + esc(reps[k].error) +
         (reps[k].detected_ms ? " " + f(*reps[k].detected_ms) + " ms" : " (no detection)") + "</title></circle>";
  }
  if (const auto& d = p.points[i].detection)
    o += "<line x1='" + f(cx) + "' y1='" + f(s.y(d->min)) + "' x2='" + f(cx) + "' y2='" + f(s.y(d->max)) +
         "' stroke='#222' stroke-width='1.5'/><line x1='" + f(cx - 7) + "' y1='" + f(s.y(d->median)) + "' x2='" + f(cx + 7) +
         "' y2='" + f(s.y(d->median)) + "' stroke='#222' stroke-width='3'><title>median " + f(d->median) + " ms</title></line>";
  return o;
}

std::string panel_svg(const PagePanel& p, const std::string& x_label, const Frame& fr, const YAxis& y) {
  const Scale s = scale_for(p, fr, y);
  std::string o = "<svg xmlns='http://www.w3.org/2000/svg' width='" + f(fr.w) + "' height='" + f(fr.h) +
                  "' font-family='sans-serif'>" + axes(s, p, x_label);
  const double band = std::clamp((fr.w - Frame::kLeft - Frame::kRight) / double(std::max<size_t>(1, p.xs.size())) * 0.3, 6.0, 24.0);
  for (size_t i = 0; i < p.points.size(); ++i)
    if (const auto& a = p.points[i].model.acceptance) {
      const double cx = s.x(p.xs[i]);
      o += "<rect x='" + f(cx - band / 2) + "' y='" + f(s.y(a->hi)) + "' width='" + f(band) + "' height='" +
           f(std::max(2.0, s.y(a->lo) - s.y(a->hi))) + "' fill='#2a9d8f' opacity='0.18'><title>acceptance " + f(a->lo) +
           "-" + f(a->hi) + " ms</title></rect>";
    }
  if (p.curve) o += curve_path(s, *p.curve);
  for (size_t i = 0; i < p.points.size(); ++i) o += point_marks(s, p, i, band);
  return o + "</svg>";
}

std::string legend() {
  std::string o = "<p class='legend'>";
  for (const char* e : {"ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "none"})
    o += "<span><svg width='10' height='10'><circle cx='5' cy='5' r='4' fill='" + outcome_colour(e) + "'/></svg> " + e + "</span> ";
  return o + "<span style='color:#2a9d8f'>&#9472;&#9472; model (fine grid), band: acceptance window</span> "
             "<span>&#9473; median, | min-max</span> <span style='color:#999'>no model: no prediction for that point "
             "(none, or not modelled: see the result's reason)</span></p>";
}
}  // namespace

std::string outcome_colour(const std::string& error) {
  static const std::map<std::string, std::string> kColours = {
      {"ETIMEDOUT", "#1f77b4"}, {"EHOSTUNREACH", "#ff7f0e"}, {"ECONNRESET", "#d62728"}, {"none", "#888888"}};
  auto it = kColours.find(error);
  return it == kColours.end() ? "#9467bd" : it->second;
}

std::string sweep_page(const std::string& case_name, const std::string& x_label, Role watched,
                       const std::vector<PagePanel>& panels, const std::string& table_text) {
  std::string o = "<!doctype html><html><head><meta charset='utf-8'><title>sweep " + esc(case_name) +
                  "</title><style>body{font-family:sans-serif;margin:20px}pre{font-size:12px}.legend span{margin-right:14px}"
                  ".panels{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}figcaption{font-weight:bold;font-size:13px}"
                  "</style></head><body><h1>sweep: " + esc(case_name) + "</h1><p>" + esc(role_name(watched)) +
                  " side's detection time against " + esc(x_label) + "</p>" + legend();
  const YAxis y = shared_y_axis(panels);
  const Frame& fr = panels.size() > 1 ? kSmall : kWide;
  o += "<div class='panels'>";
  for (const PagePanel& p : panels) {
    if (p.xs.empty()) continue;
    o += "<figure>" + (p.title.empty() ? "" : "<figcaption>" + esc(p.title) + "</figcaption>") + panel_svg(p, x_label, fr, y) +
         "</figure>";
  }
  o += "</div>";
  return o + "<h2>summary</h2><pre>" + esc(table_text) + "</pre></body></html>\n";
}

}  // namespace crashlab::runner::sweep
