#include "runner/run/environment.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "netns/sysctl.hpp"
#include "netns/observe/trace_observer.hpp"
#include "netns/unique_fd.hpp"

namespace crashlab::runner {

namespace {
// After one data round trip a connection's RTO is usecs_to_jiffies(srtt + rttvar)
// with rttvar clamped to rto_min: the microseconds of loopback RTT round up to
// exactly one jiffy above rto_min, so tcpi_rto - rto_min is the tick length.
// (Right after the handshake the RTO is still rto_min itself.) Loopback of the
// runner's own namespace only; nothing is changed.
// One loopback connection's answer: the tick in microseconds, or nullopt.
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

std::optional<int> known_hz(double tick_us) {
  const int hz = int(std::lround(1e6 / tick_us));
  for (int known : {100, 250, 300, 1000})
    if (hz == known) return hz;
  return std::nullopt;
}

// CONFIG_HZ of the running kernel, where its configuration is installed.
std::optional<int> configured_hz() {
  utsname u{};
  ::uname(&u);
  std::ifstream config(std::string("/boot/config-") + u.release);
  for (std::string line; std::getline(config, line);)
    if (line.rfind("CONFIG_HZ=", 0) == 0) return known_hz(1e6 / std::atof(line.c_str() + 10));
  return std::nullopt;
}

// A slow machine's round trip adds to one probe's RTO (emulated, most single probes
// answer "unknown"): the smallest of several is the tick.
std::optional<int> probe_hz() {
  if (auto hz = configured_hz()) return hz;
  std::optional<double> smallest;
  for (int i = 0; i < 5; ++i)
    if (auto t = probe_tick_us(); t && (!smallest || *t < *smallest)) smallest = t;
  return smallest ? known_hz(*smallest) : std::nullopt;
}
}  // namespace

nlohmann::json collect_facts();

nlohmann::json environment_facts() {
  static const nlohmann::json facts = collect_facts();
  return facts;
}

std::optional<int> machine_hz() {
  const nlohmann::json hz = environment_facts().value("hz", nlohmann::json());
  return hz.is_number_integer() ? std::optional<int>(hz.get<int>()) : std::nullopt;
}

nlohmann::json collect_facts() {
  utsname u{};
  ::uname(&u);
  nlohmann::json features = nlohmann::json::object();
  for (const char* s : {"net.ipv4.tcp_rto_min_us", "net.ipv4.tcp_rto_max_ms", "net.ipv4.tcp_syn_linear_timeouts"})
    features[s] = read_sysctl_here(s).has_value();
  auto trace = trace_unavailable_reason();
  auto hz = probe_hz();
  return {{"kernel", u.release},
          {"hz", hz ? nlohmann::json(*hz) : nlohmann::json("unknown")},
          {"machine", u.machine},
          {"sysctls_present", features},
          {"tracepoints", trace ? *trace : std::string("available")}};
}

std::string environment_banner() {
  auto f = environment_facts();
  std::string missing;
  for (const auto& [k, v] : f["sysctls_present"].items())
    if (!v.get<bool>()) missing += " " + k;
  return "crashlab: kernel " + f["kernel"].get<std::string>() + " (" + f["machine"].get<std::string>() + ")" +
         ", HZ " + f["hz"].dump() +
         ", tracepoints: " + f["tracepoints"].get<std::string>() +
         (missing.empty() ? "" : ", kernel lacks:" + missing) + "\n";
}

}  // namespace crashlab::runner
