#include "runner/run/pace/admission.hpp"

#include <algorithm>
#include <thread>

#include "netns/sys/clock.hpp"
#include "runner/judge/distortion.hpp"

namespace crashlab::runner {

Admission::Admission(double late_limit_ms, int min_running, WakeupLateness& lateness)
    : lateness_(lateness), watch_(lateness.watch()), limit_ns_(int64_t(late_limit_ms * 1e6)),
      min_running_(std::max(1, min_running)) {}

double Admission::late_limit_ms(std::optional<int> hz) { return distortion_limits(hz).step_late_ms; }

int Admission::cores() { return std::max(1, int(std::thread::hardware_concurrency())); }

bool Admission::keeps_up(int64_t now_ns) const {
  if (running_up_ >= min_running_ && now_ns - last_start_ns_ < std::chrono::nanoseconds(kSpacing).count()) return false;
  // The last 300 ms, in which the previous start's setup shows: one quiet bucket right
  // after a busy one is not yet calm.
  const auto late = lateness_.max_late_ns(now_ns - 300'000'000, now_ns);
  return late && *late <= limit_ns_;
}

std::optional<Admission::Running> Admission::admit(const std::function<bool()>& stop) {
  std::unique_lock lk(mu_);
  const int64_t asked = monotonic_ns();
  bool waited = false;
  for (;;) {
    if (stop()) return std::nullopt;
    const int64_t now = monotonic_ns();
    if (running_ < min_running_ || keeps_up(now)) break;
    waited = true;
    cv_.wait_for(lk, std::chrono::milliseconds(50));  // a run-up's end is signalled; the wake-ups are sampled
  }
  const int64_t now = monotonic_ns();
  if (waited) {
    ++held_back_;
    held_back_ms_ += double(now - asked) / 1e6;
  }
  ++running_;
  ++running_up_;
  last_start_ns_ = now;
  return Running(this);
}

void Admission::finished(bool still_running_up) {
  {
    std::lock_guard lk(mu_);
    --running_;
    if (still_running_up) --running_up_;
  }
  cv_.notify_all();
}

void Admission::ran_up() {
  {
    std::lock_guard lk(mu_);
    --running_up_;
  }
  cv_.notify_all();
}

int Admission::running() const {
  std::lock_guard lk(mu_);
  return running_;
}
int Admission::held_back() const {
  std::lock_guard lk(mu_);
  return held_back_;
}
double Admission::held_back_ms() const {
  std::lock_guard lk(mu_);
  return held_back_ms_;
}

}  // namespace crashlab::runner
