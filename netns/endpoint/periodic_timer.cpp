#include "netns/endpoint/periodic_timer.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

namespace crashlab::endpoint {

int PeriodicTimer::start(int64_t interval_ms) {
  UniqueFd fd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!fd) return errno;
  const timespec period{time_t(interval_ms / 1000), long(interval_ms % 1000) * 1'000'000};
  const itimerspec spec{period, period};
  if (timerfd_settime(fd.get(), 0, &spec, nullptr) != 0) return errno;
  fd_ = std::move(fd);
  return 0;
}

uint64_t PeriodicTimer::take_expirations() {
  uint64_t ticks = 0;
  if (!fd_ || ::read(fd_.get(), &ticks, sizeof ticks) != ssize_t(sizeof ticks)) return 0;
  return ticks;
}

}  // namespace crashlab::endpoint
