#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// How late kernel timers and this process's wake-ups run. A thread waits in recv()
// on a unix socket that never receives, with SO_RCVTIMEO of kPeriodNs: that wait
// ends through a timer_list timer run by the timer softirq (schedule_timeout()), the
// same path as TCP's retransmission timer, then wakes the thread. It records how
// long after the timeout each wait ended. A case that missed a timing window while
// these ran late was distorted by the machine's load, not by the kernel's rules or
// the model (issue #15).
class WakeupLateness {
 public:
  // A whole number of ticks at HZ 100, 250, 300 and 1000: the timeout is exact.
  static constexpr int64_t kPeriodNs = 20'000'000;
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
  void run(int fd);
  void stop();

  std::mutex life_mu_;  // watchers_ and thread_; never held by the sampling thread
  int watchers_ = 0;
  std::thread thread_;
  UniqueFd stop_, wait_;  // a datagram on stop_ ends the wait on wait_
  mutable std::mutex mu_;  // buckets_
  std::map<int64_t, int64_t> buckets_;  // due_ns / kBucketNs -> largest lateness in ns
};

}  // namespace crashlab
