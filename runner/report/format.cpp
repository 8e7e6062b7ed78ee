#include "runner/report/format.hpp"

#include <cmath>
#include <cstdio>

namespace crashlab::runner::report {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string fixed(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// The precision suits the size.
std::string ms(double v) {
  double a = std::fabs(v);
  return fixed(v, a < 1 ? 3 : a < 100 ? 2 : 1) + " ms";
}

std::string signed_ms(double v) { return (v >= 0 ? "+" : "") + ms(v); }

std::string opt_ms(const std::optional<double>& v, const std::string& none) { return v ? ms(*v) : none; }

std::string error_and_ms(const std::string& error, double t) { return (error.empty() ? "" : error + " ") + ms(t); }

}  // namespace crashlab::runner::report
