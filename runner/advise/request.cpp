#include "runner/advise/request.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "runner/json/fields.hpp"

namespace crashlab::runner::advise {

namespace {
const std::map<std::string, int64_t> kUnitsMs = {{"ms", 1}, {"s", 1000}, {"", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}};
}  // namespace

const char* traffic_name(Traffic t) {
  switch (t) {
    case Traffic::Idle: return "idle";
    case Traffic::Busy: return "busy";
    case Traffic::Both: return "both";
  }
  return "?";
}

const char* scope_name(Scope s) { return s == Scope::Socket ? "socket" : "sysctl"; }

int64_t parse_duration_ms(const std::string& text, const std::string& field) {
  const std::string shown = field + " '" + Fields::clipped(text, 40) + "'";
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw InputError(shown + ": not a duration (e.g. 10s, 500ms, 2min)");
  }
  std::string unit = text.substr(used);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  auto u = kUnitsMs.find(unit);
  if (u == kUnitsMs.end()) throw InputError(shown + ": unknown unit '" + Fields::clipped(unit, 20) + "' (ms, s, min, h)");
  if (!std::isfinite(value) || value < 0) throw InputError(shown + ": must be a duration of 0 or more");
  const double ms = value * double(u->second);
  if (ms > 1e12) throw InputError(shown + ": too long");
  return int64_t(std::llround(ms));
}

std::string duration_text(double ms) {
  char b[32];
  if (ms >= 120000 && std::fmod(ms, 60000) == 0)
    std::snprintf(b, sizeof b, "%.0f min", ms / 60000);
  else if (ms >= 1000)
    std::snprintf(b, sizeof b, "%.*f s", std::fmod(ms, 1000) == 0 ? 0 : 2, ms / 1000);
  else
    std::snprintf(b, sizeof b, "%.0f ms", ms);
  return b;
}

std::string seconds_text(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", ms / 1000);
  return b;
}

std::string request_problem(const Request& r) {
  if (r.detect_within_ms < 1000 || r.detect_within_ms > kMaxDeadlineMs)
    return "--detect-within " + duration_text(double(r.detect_within_ms)) + ": must be between 1 s and 1 h";
  if (r.survive_outage_ms >= r.detect_within_ms)
    return "--survive-outage " + duration_text(double(r.survive_outage_ms)) + " is not shorter than --detect-within " +
           duration_text(double(r.detect_within_ms)) +
           ": until an outage ends it looks exactly like a dead peer, so no setting can tell them apart in time";
  return "";
}

}  // namespace crashlab::runner::advise
