#include "runner/machine/tick.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "netns/host/sysctl.hpp"
#include "netns/sys/unique_fd.hpp"
#include "runner/machine/kernel_config.hpp"

namespace crashlab::runner::machine {
namespace {

// After one data round trip a connection's RTO is usecs_to_jiffies(srtt + rttvar)
// with rttvar clamped to rto_min: the microseconds of loopback RTT round up to
// exactly one jiffy above rto_min, so tcpi_rto - rto_min is the tick length.
// (Right after the handshake the RTO is still rto_min itself.) Loopback of the
// calling thread's namespace only; nothing is changed.
std::optional<double> probe_tick_us() {
  UniqueFd l(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (!l || !c || ::bind(l.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(l.get(), 1) != 0 ||
      ::getsockname(l.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
      ::connect(c.get(), reinterpret_cast<sockaddr*>(&a), len) != 0)
    return std::nullopt;
  UniqueFd s(::accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!s) return std::nullopt;
  timeval bound{1, 0};  // a read that cannot complete must not hang the runner
  char byte = 0;
  for (int fd : {c.get(), s.get()})
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) != 0) return std::nullopt;
  if (::write(c.get(), &byte, 1) != 1 || ::read(s.get(), &byte, 1) != 1 || ::write(s.get(), &byte, 1) != 1 ||
      ::read(c.get(), &byte, 1) != 1)
    return std::nullopt;
  tcp_info ti{};
  socklen_t tlen = sizeof ti;
  if (::getsockopt(c.get(), IPPROTO_TCP, TCP_INFO, &ti, &tlen) != 0) return std::nullopt;
  double rto_min_us = 200000;
  if (auto v = read_sysctl_here("net.ipv4.tcp_rto_min_us")) rto_min_us = std::stod(*v);
  const double tick_us = double(ti.tcpi_rto) - rto_min_us;
  if (tick_us <= 0) return std::nullopt;
  return tick_us;
}

bool bring_loopback_up() {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq r{};
  std::strncpy(r.ifr_name, "lo", IFNAMSIZ - 1);
  if (!s || ::ioctl(s.get(), SIOCGIFFLAGS, &r) != 0) return false;
  r.ifr_flags = short(r.ifr_flags | IFF_UP);
  return ::ioctl(s.get(), SIOCSIFFLAGS, &r) == 0;
}

}  // namespace

// A slow machine's round trip adds to one probe's RTO (emulated, most single probes
// answer "unknown"): the smallest of several is the tick.
std::optional<int> probed_hz() {
  std::optional<double> smallest;
  for (int i = 0; i < 5; ++i)
    if (auto t = probe_tick_us(); t && (!smallest || *t < *smallest)) smallest = t;
  return smallest ? hz_of_tick_us(*smallest) : std::nullopt;
}

// The probe in a network namespace of one short-lived thread: the namespace is the
// thread's alone and goes when the thread and its sockets do.
std::optional<int> probed_hz_in_private_namespace() {
  std::optional<int> hz;
  std::thread([&hz] {
    if (::unshare(CLONE_NEWNET) == 0 && bring_loopback_up()) hz = probed_hz();
  }).join();
  return hz;
}

std::optional<int> hz_of_tick_us(double tick_us) {
  if (!(tick_us > 0)) return std::nullopt;
  const int hz = int(std::lround(1e6 / tick_us));
  for (int known : {100, 250, 300, 1000})
    if (hz == known) return hz;
  return std::nullopt;
}

std::optional<Tick> find_tick() {
  if (auto c = running_kernel_config("CONFIG_HZ")) {
    char* end = nullptr;
    const long hz = std::strtol(c->value.c_str(), &end, 10);
    if (end && *end == '\0' && hz > 0 && hz_of_tick_us(1e6 / double(hz)))
      return Tick{int(hz), "CONFIG_HZ in " + c->source};
  }
  if (auto hz = probed_hz()) return Tick{*hz, "loopback probe"};
  if (auto hz = probed_hz_in_private_namespace()) return Tick{*hz, "loopback probe in a private network namespace"};
  return std::nullopt;
}

}  // namespace crashlab::runner::machine
