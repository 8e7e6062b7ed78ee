#pragma once
#include <string>

#include "netns/host/netns.hpp"
#include "netns/link/rtnl.hpp"
#include "netns/host/sysctl.hpp"

namespace crashlab {

// One test host: a namespace with loopback up and one interface, `eth0`.
// Member order matters for teardown: the netlink socket (rtnl) also pins the
// namespace, and both go when the Host does.
class Host {
 public:
  explicit Host(std::string name, const NetNs* parent = nullptr);

  const std::string& name() const { return name_; }
  const NetNs& ns() const { return ns_; }
  Rtnl& rtnl() { return rtnl_; }
  Sysctl sysctl() const { return Sysctl(ns_); }

  // SIGKILL every process whose network namespace is this one (found through
  // /proc, so it includes processes the runner did not start itself). Returns how many.
  int kill_all_processes() const;
  // Abort the sockets left behind so the kernel can free the namespace now.
  int destroy_sockets() const;

  // TCP segments this host's stack has sent (Tcp OutSegs of its namespace, which
  // counts retransmissions and probes too, but no ARP, ND or IPv6 autoconfiguration).
  uint64_t tcp_segments_sent() const;

  static constexpr const char* kIfname = "eth0";

 private:
  std::string name_;
  NetNs ns_;
  Rtnl rtnl_;
};

}  // namespace crashlab
