#include "runner/sweep/sweep_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace crashlab::runner::sweep {

namespace {
constexpr double kW = 760, kH = 380, kLeft = 70, kRight = 20, kTop = 20, kBottom = 50;

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
  double x0, x1, y1;
  double x(double v) const { return kLeft + (x1 == x0 ? 0.5 : (v - x0) / (x1 - x0)) * (kW - kLeft - kRight); }
  double y(double ms) const { return kH - kBottom - ms / y1 * (kH - kTop - kBottom); }
};

Scale scale_for(const PagePanel& p) {
  double x0 = *std::min_element(p.xs.begin(), p.xs.end()), x1 = *std::max_element(p.xs.begin(), p.xs.end());
  double y1 = 1;
  for (const auto& s : p.points) {
    if (s.detection) y1 = std::max(y1, s.detection->max);
    if (s.model.acceptance) y1 = std::max(y1, s.model.acceptance->hi);
  }
  if (p.curve)
    for (const auto& c : *p.curve) y1 = std::max(y1, c.predicted_ms.value_or(0));
  const double pad = (x1 - x0) * 0.05;
  return {x0 - pad, x1 + pad, y1 * 1.08};
}

std::string axes(const Scale& s, const PagePanel& p, const std::string& x_label) {
  std::string o = "<line x1='" + f(kLeft) + "' y1='" + f(kH - kBottom) + "' x2='" + f(kW - kRight) + "' y2='" + f(kH - kBottom) +
                  "' stroke='#333'/><line x1='" + f(kLeft) + "' y1='" + f(kTop) + "' x2='" + f(kLeft) + "' y2='" +
                  f(kH - kBottom) + "' stroke='#333'/>";
  for (int i = 0; i <= 5; ++i) {
    const double ms = s.y1 / 1.08 * i / 5;
    o += "<text x='" + f(kLeft - 6) + "' y='" + f(s.y(ms) + 4) + "' text-anchor='end' font-size='11'>" + f(ms / 1000) +
         " s</text><line x1='" + f(kLeft) + "' y1='" + f(s.y(ms)) + "' x2='" + f(kW - kRight) + "' y2='" + f(s.y(ms)) +
         "' stroke='#eee'/>";
  }
  for (double x : p.xs)
    o += "<text x='" + f(s.x(x)) + "' y='" + f(kH - kBottom + 16) + "' text-anchor='middle' font-size='11'>" +
         (std::fmod(x, 1.0) == 0 ? std::to_string((long long)x) : f(x)) + "</text>";
  o += "<text x='" + f((kLeft + kW - kRight) / 2) + "' y='" + f(kH - 10) + "' text-anchor='middle' font-size='12'>" + esc(x_label) +
       "</text><text x='14' y='" + f((kTop + kH - kBottom) / 2) + "' font-size='12' transform='rotate(-90 14 " +
       f((kTop + kH - kBottom) / 2) + ")' text-anchor='middle'>detection after the fault</text>";
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

std::string panel_svg(const PagePanel& p, const std::string& x_label) {
  const Scale s = scale_for(p);
  std::string o = "<svg xmlns='http://www.w3.org/2000/svg' width='" + f(kW) + "' height='" + f(kH) + "' font-family='sans-serif'>";
  o += axes(s, p, x_label);
  const double band = std::max(6.0, (kW - kLeft - kRight) / double(std::max<size_t>(1, p.xs.size())) * 0.3);
  for (size_t i = 0; i < p.points.size(); ++i) {
    const double cx = s.x(p.xs[i]);
    if (const auto& a = p.points[i].model.acceptance)
      o += "<rect x='" + f(cx - band / 2) + "' y='" + f(s.y(a->hi)) + "' width='" + f(band) + "' height='" +
           f(std::max(1.0, s.y(a->lo) - s.y(a->hi))) + "' fill='#2a9d8f' opacity='0.15'><title>acceptance " + f(a->lo) + "-" +
           f(a->hi) + " ms</title></rect>";
  }
  if (p.curve) o += curve_path(s, *p.curve);
  for (size_t i = 0; i < p.points.size(); ++i) {
    const double cx = s.x(p.xs[i]);
    const auto& reps = p.repeats[i];
    for (size_t k = 0; k < reps.size(); ++k) {
      const double jitter = (double(k) - double(reps.size() - 1) / 2) * 5;
      const double y = reps[k].detected_ms ? s.y(*reps[k].detected_ms) : s.y(s.y1 / 1.08 * 1.04);
      o += "<circle cx='" + f(cx + 12 + jitter) + "' cy='" + f(y) + "' r='3.5' fill='" + outcome_colour(reps[k].error) +
           "'" + (reps[k].detected_ms ? "" : " fill-opacity='0.3'") + "><title>" + esc(reps[k].error) +
           (reps[k].detected_ms ? " " + f(*reps[k].detected_ms) + " ms" : " (no detection)") + "</title></circle>";
    }
    if (const auto& d = p.points[i].detection) {
      o += "<line x1='" + f(cx) + "' y1='" + f(s.y(d->min)) + "' x2='" + f(cx) + "' y2='" + f(s.y(d->max)) +
           "' stroke='#222' stroke-width='1.5'/><line x1='" + f(cx - 7) + "' y1='" + f(s.y(d->median)) + "' x2='" + f(cx + 7) +
           "' y2='" + f(s.y(d->median)) + "' stroke='#222' stroke-width='3'><title>median " + f(d->median) + " ms</title></line>";
    }
  }
  return o + "</svg>";
}

std::string legend() {
  std::string o = "<p class='legend'>";
  for (const char* e : {"ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "none"})
    o += "<span><svg width='10' height='10'><circle cx='5' cy='5' r='4' fill='" + outcome_colour(e) + "'/></svg> " + e + "</span> ";
  return o + "<span style='color:#2a9d8f'>&#9472;&#9472; model (fine grid), band: acceptance window</span> "
             "<span>&#9473; median, | min-max</span></p>";
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
                  "</style></head><body><h1>sweep: " + esc(case_name) + "</h1><p>" + esc(role_name(watched)) +
                  " side's detection time against " + esc(x_label) + "</p>" + legend();
  for (const PagePanel& p : panels) {
    if (p.xs.empty()) continue;
    if (!p.title.empty()) o += "<h2>" + esc(p.title) + "</h2>";
    o += panel_svg(p, x_label);
  }
  return o + "<h2>summary</h2><pre>" + esc(table_text) + "</pre></body></html>\n";
}

}  // namespace crashlab::runner::sweep
