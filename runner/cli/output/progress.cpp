#include "runner/cli/output/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "runner/cli/output/terminal.hpp"

namespace crashlab::runner::cli {

std::string progress_line(size_t done, size_t total, const std::vector<RunningCase>& running, size_t width) {
  const size_t room = width > 1 ? width - 1 : 1;
  std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "]";
  for (size_t k = 0; k < running.size(); ++k) {
    char b[48];
    std::snprintf(b, sizeof b, " %.1f/%.0fs", running[k].elapsed_s, running[k].window_s);
    std::string item = "  " + running[k].name + b;
    std::string more = k + 1 < running.size() ? " +" + std::to_string(running.size() - k - 1) + " more" : "";
    if (line.size() + item.size() + more.size() <= room) {
      line += item;
      continue;
    }
    std::string rest = " +" + std::to_string(running.size() - k) + " more";
    if (line.size() + rest.size() <= room) line += rest;
    break;
  }
  return line.substr(0, room);
}

Progress::Progress(size_t total, bool enabled) : total_(total), enabled_(enabled) {
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() { stop(); }

void Progress::stop() {
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    stop_ = true;
    clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Progress::started(size_t i, const std::string& name, double window_s) {
  std::lock_guard lk(mu_);
  running_[i] = {name, Clock::now(), window_s};
  draw();
}

void Progress::finished(size_t i) {
  std::lock_guard lk(mu_);
  running_.erase(i);
  ++done_;
  draw();
}

void Progress::print(const std::string& text) {
  std::lock_guard lk(mu_);
  clear();
  std::cout << text << std::flush;
  draw();
}

void Progress::loop() {
  std::unique_lock lk(mu_);
  while (!cv_.wait_for(lk, std::chrono::milliseconds(250), [this] { return stop_; })) draw();
}

void Progress::draw() {
  if (!enabled_ || stop_) return;
  std::vector<RunningCase> running;
  for (const auto& [i, r] : running_)
    running.push_back({r.name, std::chrono::duration<double>(Clock::now() - r.at).count(), r.window_s});
  std::cerr << "\r\033[K" << progress_line(done_, total_, running, terminal_width(STDERR_FILENO)) << std::flush;
}

void Progress::clear() {
  if (enabled_) std::cerr << "\r\033[K" << std::flush;
}

}  // namespace crashlab::runner::cli
