#pragma once
#include <cstdint>

#include "netns/sys/unique_fd.hpp"

namespace crashlab::endpoint {

// A repeating CLOCK_MONOTONIC timerfd, present only while started.
class PeriodicTimer {
 public:
  // Starts (or restarts) ticking every interval_ms; returns 0 or an errno.
  int start(int64_t interval_ms);
  void stop() { fd_.reset(); }
  bool active() const { return bool(fd_); }
  int fd() const { return fd_.get(); }
  // Ticks since the last call (0 if none, or if stopped).
  uint64_t take_expirations();

 private:
  UniqueFd fd_;
};

}  // namespace crashlab::endpoint
