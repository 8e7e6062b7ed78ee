#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "netns/sys/event_fd.hpp"
#include "netns/observe/diag/sample_fold.hpp"
#include "netns/observe/diag/sock_diag.hpp"
#include "netns/observe/state_timeline.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab {

// The observer that needs no privilege beyond the namespaces themselves: a thread
// dumps the test port's TCP sockets in each watched namespace and records every
// change of state. A socket that vanishes is recorded as CLOSE.
// It also sees what tracepoints cannot: TIME_WAIT sockets (they are not full
// sockets and never pass through inet_sock_set_state).
// With a period, it samples every period (1 ms by default); a state shorter than the
// period (LAST_ACK on a veth lasts microseconds) can be missed. With a zero period it
// samples only when asked: beside tracepoints, which give every state exactly, it
// costs nothing while nothing happens.
struct SamplerFeeds {
  const EventFd* requests = nullptr;  // the thread samples whenever this is signalled
  const EventFd* changed = nullptr;   // signalled after each sample that saw a change or answered a request
};

class DiagSampler {
 public:
  explicit DiagSampler(uint16_t port, std::chrono::microseconds period = std::chrono::microseconds(1000),
                       SamplerFeeds feeds = {});
  ~DiagSampler();

  void watch(const NetNs& ns);     // before the namespace can see the connection
  void unwatch(const NetNs& ns);   // releases its diag socket, which pins the namespace
  void stop();

  std::string name() const { return "sock_diag"; }
  std::string resolution() const;
  std::vector<StateAt> states(const ConnKey& side);
  // Takes a sample now, in the calling thread (instead of waiting for the thread's next);
  // a namespace whose dump failed is dumped again, up to twice.
  void sample_now();
  // The latest sample of one side, if it is (still) there.
  std::optional<SockEntry> latest(const ConnKey& side);
  // How well its own thread kept its period: the longest time between two of its
  // samples (ms), and why the thread ended if it did before stop(). A gap far beyond the
  // period means states of that time could be missed.
  double longest_gap_ms() const { return double(longest_gap_ns_.load()) / 1e6; }
  std::string ended_early() const;
  // Dumps that failed (their namespace's sockets kept their last state) and the last
  // error, "" when none did.
  std::string failed_dumps() const;

 private:
  void loop();
  // One round over every watched namespace; true if a state changed. Sets *failed
  // when a dump failed.
  bool sample_once(bool* failed = nullptr);

  uint16_t port_;
  std::chrono::microseconds period_;
  SamplerFeeds feeds_;
  EventFd stop_fd_;
  std::atomic<bool> stopping_ = false;
  std::atomic<int64_t> longest_gap_ns_ = 0;
  int64_t last_loop_sample_ns_ = 0;  // the thread's own
  std::atomic<int> loop_errno_ = 0;   // the ppoll() errno that ended the thread early
  mutable std::mutex mu_;
  std::map<ino_t, std::unique_ptr<SockDiag>> diags_;
  std::map<std::string, SampledTrack> tracks_;  // by ConnKey::text()
  int failed_dumps_ = 0;
  std::string last_dump_error_;
  std::thread thread_;
};

}  // namespace crashlab
