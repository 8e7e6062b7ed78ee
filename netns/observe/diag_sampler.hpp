#pragma once
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "netns/observe/sock_diag.hpp"
#include "netns/observe/state_timeline.hpp"
#include "netns/wait.hpp"

namespace crashlab {

// The observer that needs no privilege beyond the namespaces themselves: a thread
// dumps the test port's TCP sockets in each watched namespace every `interval`
// and records every change of state. A socket that vanishes is recorded as CLOSE.
// It also sees what tracepoints cannot: TIME_WAIT sockets (they are not full
// sockets and never pass through inet_sock_set_state).
// A state shorter than the interval (LAST_ACK on a veth lasts microseconds) can be missed.
class DiagSampler {
 public:
  DiagSampler(uint16_t port, std::chrono::microseconds interval = std::chrono::microseconds(1000));
  ~DiagSampler();

  void watch(const NetNs& ns);     // before the namespace can see the connection
  void unwatch(const NetNs& ns);   // releases its diag socket, which pins the namespace
  void stop();

  std::string name() const { return "sock_diag"; }
  std::string resolution() const;
  std::vector<StateAt> states(const ConnKey& side);
  // Takes a sample now (instead of waiting for the next period).
  void sample_now();
  // The latest sample of one side, if it is (still) there.
  std::optional<SockEntry> latest(const ConnKey& side);

 private:
  struct Track {
    std::vector<StateAt> states;
    SockEntry last;
    bool present = false;
  };
  void loop();
  void sample_once();

  uint16_t port_;
  std::chrono::microseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<ino_t, std::unique_ptr<SockDiag>> diags_;
  std::map<std::string, Track> tracks_;  // by ConnKey::text()
  std::thread thread_;
};

}  // namespace crashlab
