#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "netns/host/netns.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// One TCP socket as NETLINK_SOCK_DIAG reports it, orphans and TIME_WAIT included.
struct SockEntry {
  int family = 0;
  int state = 0;  // kernel TCP state number
  std::string saddr, daddr;
  uint16_t sport = 0, dport = 0;
  uint32_t inode = 0;  // 0 once orphaned (the process is gone)
  uint64_t cookie = 0;
  uint32_t rto_us = 0;  // from TCP_INFO; 0 when absent (TIME_WAIT)
  uint8_t retransmits = 0, probes = 0, backoff = 0;
};

// A NETLINK_SOCK_DIAG socket opened inside one namespace (raw netlink: libnl-idiag
// 3.7 only speaks the old inet_diag_req and has no SOCK_DESTROY).
class SockDiag {
 public:
  explicit SockDiag(const NetNs& ns);
  // Every TCP socket (IPv4 and IPv6) with sport or dport == port (0: all).
  std::vector<SockEntry> dump(uint16_t port = 0) const;
  // SOCK_DESTROY on every TCP socket but TIME_WAIT ones; returns how many. Used
  // on a host being torn down: orphans retransmitting into a cut link would
  // otherwise keep its namespace alive for minutes.
  int destroy_all() const;

 private:
  void dump_family(int family, uint16_t port, std::vector<SockEntry>& out) const;
  UniqueFd fd_;
  mutable std::atomic<uint32_t> seq_ = 0;  // each request's number: its replies carry it
};

}  // namespace crashlab
