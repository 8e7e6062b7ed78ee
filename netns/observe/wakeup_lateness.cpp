#include "netns/observe/wakeup_lateness.hpp"

#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "netns/clock.hpp"
#include "netns/unique_fd.hpp"

namespace crashlab {

namespace {
// An hour of buckets: longer than any case's window.
constexpr int64_t kKeepBuckets = 36'000;

timespec to_timespec(int64_t ns) { return {time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)}; }
}  // namespace

WakeupLateness& WakeupLateness::process() {
  static WakeupLateness instance;
  return instance;
}

WakeupLateness::~WakeupLateness() { stop(); }

WakeupLateness::Watch WakeupLateness::watch() {
  std::lock_guard lock(life_mu_);
  if (watchers_++ == 0) {
    if (thread_.joinable()) thread_.join();  // a previous sampler that was told to stop
    stop_.take();
    thread_ = std::thread([this] { run(); });
  }
  return Watch(*this);
}

void WakeupLateness::release() {
  std::lock_guard lock(life_mu_);
  if (--watchers_ == 0) stop_.signal();  // joined by the next watch() or the destructor
}

void WakeupLateness::stop() {
  stop_.signal();
  std::lock_guard lock(life_mu_);
  if (thread_.joinable()) thread_.join();
}

void WakeupLateness::record(int64_t due_ns, int64_t late_ns) {
  std::lock_guard lock(mu_);
  const int64_t b = due_ns / kBucketNs;
  int64_t& worst = buckets_[b];
  worst = std::max(worst, late_ns);
  while (!buckets_.empty() && buckets_.begin()->first < b - kKeepBuckets) buckets_.erase(buckets_.begin());
}

std::optional<int64_t> WakeupLateness::max_late_ns(int64_t from_ns, int64_t to_ns) const {
  std::lock_guard lock(mu_);
  std::optional<int64_t> worst;
  for (auto it = buckets_.lower_bound(from_ns / kBucketNs); it != buckets_.end() && it->first <= to_ns / kBucketNs; ++it)
    worst = std::max(worst.value_or(0), it->second);
  return worst;
}

void WakeupLateness::run() {
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!timer) return;  // no samples: max_late_ns() answers nullopt and nothing is claimed
  int64_t due = monotonic_ns() + kPeriodNs;
  const itimerspec spec{to_timespec(kPeriodNs), to_timespec(due)};
  if (::timerfd_settime(timer.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0) return;
  pollfd fds[2] = {{timer.get(), POLLIN, 0}, {stop_.fd(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    uint64_t expiries = 0;
    if (::read(timer.get(), &expiries, sizeof expiries) != sizeof expiries || expiries == 0) continue;
    // Expiries missed while this thread waited to run were all late; the first of them the most.
    record(due, monotonic_ns() - due);
    due += int64_t(expiries) * kPeriodNs;
  }
}

}  // namespace crashlab
