#pragma once
// The live line on stderr: cases done out of all, and each running case's time
// against its window. One line, never wider than the terminal, redrawn in place.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crashlab::runner::cli {

struct RunningCase {
  std::string name;
  double elapsed_s = 0, window_s = 0;
};
// "[3/19] host-crash/send 4.1/9s  connect/dead-host 0.2/3s +2 more", at most width - 1
// characters (the last column would make some terminals wrap).
std::string progress_line(size_t done, size_t total, const std::vector<RunningCase>& running, size_t width);

class Progress {
 public:
  // enabled false: prints blocks only, draws nothing (not a terminal, --quiet...).
  Progress(size_t total, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void started(size_t i, const std::string& name, double window_s);
  void finished(size_t i);
  // Writes `text` to stdout above the live line.
  void print(const std::string& text);
  // Clears the line and stops drawing (before the summary).
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  void loop();
  void draw();   // with mu_ held
  void clear();  // with mu_ held
  size_t total_, done_ = 0;
  bool enabled_, stop_ = false;
  struct Started {
    std::string name;
    Clock::time_point at;
    double window_s;
  };
  std::map<size_t, Started> running_;  // by position in the case list
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace crashlab::runner::cli
