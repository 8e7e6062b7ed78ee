#pragma once
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "netns/neighbour/neighbour_event.hpp"
#include "netns/host/netns.hpp"
#include "netns/link/nl_ptr.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// Records every neighbour-table change of one namespace: a NETLINK_ROUTE socket
// opened inside it and joined to RTNLGRP_NEIGH (no privilege needed, so it works
// under `unshare -Urn` too), read by its own thread. Each event is stamped with
// CLOCK_MONOTONIC as the thread receives it, the clock of every other event of a
// case: after the kernel's change by the thread's wake-up, tens of microseconds
// on a quiet machine, up to about a millisecond on a busy one.
//
// The socket holds a reference to the namespace: stop() (or destruction) closes
// it, so a crashed host's namespace is not kept alive by its monitor.
class NeighbourMonitor {
 public:
  explicit NeighbourMonitor(const NetNs& ns);
  NeighbourMonitor(const NeighbourMonitor&) = delete;
  NeighbourMonitor& operator=(const NeighbourMonitor&) = delete;
  ~NeighbourMonitor();

  // Reads what the kernel has already queued, then stops and closes the socket. Repeatable.
  void stop();
  std::vector<NeighbourEvent> events() const;
  // The socket's receive buffer overflowed (ENOBUFS): some events are missing.
  bool lost_events() const { return lost_.load(); }

 private:
  void run();
  void drain();  // every queued message, without blocking

  nl::SockPtr sock_;
  UniqueFd wake_;  // eventfd: stop() wakes the thread
  std::atomic<bool> lost_{false};
  mutable std::mutex mu_;
  std::vector<NeighbourEvent> events_;
  std::thread thread_;
};

}  // namespace crashlab
