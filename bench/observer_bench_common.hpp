#pragma once
// Shared by the observer benchmark's two parts (observer_bench.cpp says what they measure).
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "netns/sys/clock.hpp"
#include "netns/observe/diag/diag_sampler.hpp"
#include "netns/client/bring_up.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/sys/errors.hpp"
#include "netns/wire/tcp_state.hpp"
#include "netns/topology/topology.hpp"
#include "netns/observe/trace/trace_observer.hpp"
#include "netns/sys/unique_fd.hpp"
#include "netns/sys/wait.hpp"


namespace crashlab::bench {
using namespace std::chrono_literals;

inline constexpr int ESTABLISHED = 1, SYN_SENT = 2, SYN_RECV = 3, CLOSE = 7;

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Nearest-rank percentile.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = size_t(p / 100.0 * double(v.size()) + 0.999999);
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// CPU time (ms) and context switches of the whole process or of the calling thread.
struct Usage {
  double cpu_ms = 0, switches = 0;
  Usage operator-(const Usage& o) const { return {cpu_ms - o.cpu_ms, switches - o.switches}; }
};

inline Usage usage(int who = RUSAGE_SELF) {
  rusage ru{};
  ::getrusage(who, &ru);
  return {double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
              double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
          double(ru.ru_nvcsw + ru.ru_nivcsw)};
}

// Ports below the case runner's range (20000-49999) and the ephemeral range.
inline uint16_t fresh_port() {
  static uint32_t next = 10000 + std::random_device{}() % 9000;
  return uint16_t(next++);
}

inline sockaddr_in ipv4(const std::string& addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, addr.c_str(), &a.sin_addr) != 1) throw std::runtime_error("bad address " + addr);
  return a;
}

inline UniqueFd tcp_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket");
  return fd;
}

// Topology returns once the links are set up, but the kernel activates a link's queueing
// discipline a moment later (linkwatch, a workqueue); a packet sent before that is dropped,
// and a dropped SYN costs a 1 s retransmission. IFF_RUNNING is set in that same step.
inline void wait_link_running(const NetNs& ns) {
  UniqueFd probe = ns.run([] { return tcp_socket(); });
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", Host::kIfname);
  const bool running = sample_until(
      [&] { return ::ioctl(probe.get(), SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING); },
      Clock::now() + scaled(2000ms));
  if (!running) throw std::runtime_error("eth0 not running 2 s after the topology was made");
}

inline std::unique_ptr<Topology> ready_topology() {
  auto topo = std::make_unique<Topology>(TopologyOptions{TopologyKind::Direct});
  for (Role r : {Role::Server, Role::Client}) wait_link_running(topo->host(r).ns());
  return topo;
}

}  // namespace crashlab::bench
