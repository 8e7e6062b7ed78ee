#include "netns/sys/wait.hpp"

#include <cstdlib>

namespace crashlab {

namespace {
std::string describe(const std::string& what, const std::string& last_seen, Clock::time_point started) {
  auto spent = std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
  return "timed out after " + std::to_string(spent) + " ms waiting for " + what +
         "; last seen: " + (last_seen.empty() ? "nothing" : last_seen);
}
}  // namespace

WaitTimeout::WaitTimeout(const std::string& what, const std::string& last_seen, Clock::time_point started)
    : std::runtime_error(describe(what, last_seen, started)) {}

int poll_budget_ms(Clock::time_point deadline) {
  auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? int(left) : 0;
}

double time_scale() {
  static const double scale = [] {
    const char* s = std::getenv("CRASHLAB_TIME_SCALE");
    double v = s ? std::strtod(s, nullptr) : 1.0;
    return v >= 1.0 ? v : 1.0;
  }();
  return scale;
}

milliseconds scaled(milliseconds base) { return milliseconds(int64_t(double(base.count()) * time_scale())); }

milliseconds default_timeout() { return scaled(milliseconds(5000)); }

}  // namespace crashlab
