#include "netns/observe/wakeup_lateness.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "netns/sys/clock.hpp"

namespace crashlab {

namespace {
// An hour of buckets: longer than any case's window.
constexpr int64_t kKeepBuckets = 36'000;

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
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) == 0) {
      wait_.reset(pair[0]);
      stop_.reset(pair[1]);
      thread_ = std::thread([this, fd = wait_.get()] { run(fd); });
    }  // else no samples: max_late_ns() answers nullopt and nothing is claimed
  }
  return Watch(*this);
}

void WakeupLateness::release() {
  std::lock_guard lock(life_mu_);
  if (--watchers_ == 0 && stop_) {
    const char byte = 0;
    (void)!::send(stop_.get(), &byte, 1, MSG_DONTWAIT);  // joined by the next watch() or the destructor
  }
}

void WakeupLateness::stop() {
  std::lock_guard lock(life_mu_);
  if (stop_) {
    const char byte = 0;
    (void)!::send(stop_.get(), &byte, 1, MSG_DONTWAIT);
  }
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

void WakeupLateness::run(int fd) {
  const timeval timeout{0, suseconds_t(kPeriodNs / 1000)};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) return;
  for (char byte;;) {
    const int64_t due = monotonic_ns() + kPeriodNs;
    const ssize_t n = ::recv(fd, &byte, 1, 0);
    if (n >= 0) return;  // told to stop
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return;
    record(due, std::max<int64_t>(0, monotonic_ns() - due));
  }
}

}  // namespace crashlab
