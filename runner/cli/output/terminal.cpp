#include "runner/cli/output/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace crashlab::runner::cli {

namespace {
bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}
bool dumb_terminal() {
  const char* t = std::getenv("TERM");
  return t && std::string(t) == "dumb";
}
}  // namespace

size_t terminal_width(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long n = std::strtol(c, &end, 10);
    if (end != c && *end == '\0' && n > 0 && n < 10000) return size_t(n);
  }
  return 80;
}

bool can_redraw(int fd) { return ::isatty(fd) && !dumb_terminal(); }

bool use_color(ColorMode mode, int fd) {
  if (mode == ColorMode::Always) return true;  // an explicit flag beats the environment (no-color.org)
  if (env_set("NO_COLOR")) return false;
  return mode == ColorMode::Auto && can_redraw(fd);
}

std::string colored_verdict(const std::string& word) {
  const char* c = word == "PASS" ? "\033[32m" : word == "ERROR" ? "\033[35m" : word == "DISTORTED" ? "\033[33m" : "\033[31m";
  return c + word + "\033[0m";
}

}  // namespace crashlab::runner::cli
