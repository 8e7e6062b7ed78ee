#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "netns/event_fd.hpp"

namespace crashlab {

// How late this process's own timer wake-ups run. A thread on a periodic
// CLOCK_MONOTONIC timerfd records, for every expiry, how long after it was due it
// ran. A machine too loaded to wake this thread on time also runs the kernel's
// timer softirq late (it falls to ksoftirqd, an ordinary thread), so a case that
// missed a timing window while these wake-ups were late says the runner's load
// distorted it, not the kernel or the model (issue #15).
class WakeupLateness {
 public:
  static constexpr int64_t kPeriodNs = 5'000'000;
  static constexpr int64_t kBucketNs = 100'000'000;  // kept per 100 ms: the largest lateness in it

  static WakeupLateness& process();

  // The sampling thread runs while at least one Watch is alive.
  class Watch {
   public:
    explicit Watch(WakeupLateness& owner) : owner_(&owner) {}
    Watch(Watch&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)) {}
    Watch& operator=(Watch&&) = delete;
    ~Watch() {
      if (owner_) owner_->release();
    }

   private:
    WakeupLateness* owner_;
  };
  [[nodiscard]] Watch watch();

  // The largest lateness of an expiry due in [from_ns, to_ns] (CLOCK_MONOTONIC),
  // to the bucket; nullopt when nothing was sampled there.
  std::optional<int64_t> max_late_ns(int64_t from_ns, int64_t to_ns) const;

  // For tests: records one expiry as if the thread had.
  void record(int64_t due_ns, int64_t late_ns);

  ~WakeupLateness();

 private:
  void release();
  void run();
  void stop();

  std::mutex life_mu_;  // watchers_ and thread_; never held by the sampling thread
  int watchers_ = 0;
  std::thread thread_;
  EventFd stop_;
  mutable std::mutex mu_;  // buckets_
  std::map<int64_t, int64_t> buckets_;  // due_ns / kBucketNs -> largest lateness in ns
};

}  // namespace crashlab
