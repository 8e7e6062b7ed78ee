#include "runner/predict/sysctl_table.hpp"

#include <climits>
#include <optional>
#include <string_view>

namespace crashlab::runner {

namespace {
// Ranges the kernel enforces (net/ipv4/sysctl_net_ipv4.c: u8 handlers take 0..255,
// tcp_syn_retries 1..MAX_TCP_SYNCNT, tcp_rto_max_ms 1 s..TCP_RTO_MAX_SEC; the
// seconds-to-jiffies ones must fit an int at HZ 1000; net/core/neighbour.c:
// mcast_solicit is zero_intmax, retrans_time_ms refuses negatives).
constexpr int64_t kJiffySecondsMax = INT_MAX / 1000;
constexpr SysctlRange kU8{0, 255}, kSeconds{0, kJiffySecondsMax}, kNonNegative{0, INT_MAX};

struct SysctlRow {
  const char* name;
  void (*set)(PredictionInput&, int64_t);
  std::optional<int64_t> when_absent;  // the value a kernel without this setting behaves as
  SysctlRange range;
};

const SysctlRow kSysctls[] = {
    {"net.ipv4.tcp_retries1", [](PredictionInput& in, int64_t v) { in.kernel.tcp_retries1 = int(v); }, {}, kU8},
    {"net.ipv4.tcp_retries2", [](PredictionInput& in, int64_t v) { in.kernel.tcp_retries2 = int(v); }, {}, kU8},
    {"net.ipv4.tcp_syn_retries", [](PredictionInput& in, int64_t v) { in.kernel.tcp_syn_retries = int(v); }, {}, {1, 127}},
    {"net.ipv4.tcp_synack_retries", nullptr, {}, kU8},
    {"net.ipv4.tcp_syn_linear_timeouts", [](PredictionInput& in, int64_t v) { in.kernel.tcp_syn_linear_timeouts = int(v); }, 0, {0, 127}},
    {"net.ipv4.tcp_keepalive_time", [](PredictionInput& in, int64_t v) { in.kernel.tcp_keepalive_time_s = int(v); }, {}, kSeconds},
    {"net.ipv4.tcp_keepalive_intvl", [](PredictionInput& in, int64_t v) { in.kernel.tcp_keepalive_intvl_s = int(v); }, {}, kSeconds},
    {"net.ipv4.tcp_keepalive_probes", [](PredictionInput& in, int64_t v) { in.kernel.tcp_keepalive_probes = int(v); }, {}, kU8},
    {"net.ipv4.tcp_orphan_retries", [](PredictionInput& in, int64_t v) { in.kernel.tcp_orphan_retries = int(v); }, {}, kU8},
    {"net.ipv4.tcp_fin_timeout", [](PredictionInput& in, int64_t v) { in.kernel.tcp_fin_timeout_s = int(v); }, {}, kSeconds},
    {"net.ipv4.tcp_rto_min_us", [](PredictionInput& in, int64_t v) { in.kernel.tcp_rto_min_us = v; }, {}, {1, INT_MAX}},
    {"net.ipv4.tcp_rto_max_ms", [](PredictionInput& in, int64_t v) { in.kernel.tcp_rto_max_ms = v; }, {}, {1000, 120000}},
    {"net.ipv4.tcp_early_retrans", [](PredictionInput& in, int64_t v) { in.kernel.tcp_early_retrans = int(v); }, {}, {0, 4}},
    {"net.ipv4.neigh.eth0.mcast_solicit", [](PredictionInput& in, int64_t v) { in.arp_probes = int(v); }, {}, kNonNegative},
    {"net.ipv4.neigh.eth0.retrans_time_ms", [](PredictionInput& in, int64_t v) { in.arp_retrans_ms = double(v); }, {}, kNonNegative},
    {"net.ipv4.neigh.eth0.ucast_solicit", [](PredictionInput& in, int64_t v) { in.neighbour.ucast_probes = int(v); }, {}, kNonNegative},
    {"net.ipv4.neigh.eth0.base_reachable_time_ms",
     [](PredictionInput& in, int64_t v) { in.neighbour.base_reachable_ms = double(v); }, {}, kNonNegative},
    // The kernel takes a negative delay too (proc_dointvec_jiffies); it means nothing here.
    {"net.ipv4.neigh.eth0.delay_first_probe_time",
     [](PredictionInput& in, int64_t v) { in.neighbour.delay_first_probe_ms = double(v) * 1000; }, {}, kSeconds},
};

constexpr std::string_view kArpPrefix = "net.ipv4.neigh.", kNdpPrefix = "net.ipv6.neigh.";

// The row's name in the run's family: IPv6's neighbour discovery has the same
// settings (and defaults) under net.ipv6.neigh.
std::string family_name(const SysctlRow& r, bool ipv6) {
  std::string n = r.name;
  if (ipv6 && n.compare(0, kArpPrefix.size(), kArpPrefix) == 0) n.replace(0, kArpPrefix.size(), kNdpPrefix);
  return n;
}

bool is_neighbour_row(const SysctlRow& r) { return std::string_view(r.name).substr(0, kArpPrefix.size()) == kArpPrefix; }

std::optional<int64_t> number(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace

std::optional<SysctlRange> model_sysctl_range(const std::string& name) {
  for (const SysctlRow& r : kSysctls)
    if (name == r.name || name == family_name(r, true)) return r.range;
  return std::nullopt;
}

std::vector<std::string> model_input_sysctls() {
  std::vector<std::string> out;
  for (const SysctlRow& r : kSysctls)
    if (r.set) out.emplace_back(r.name);
  return out;
}

std::vector<std::string> reported_sysctls() {
  std::vector<std::string> out;
  for (const SysctlRow& r : kSysctls) out.emplace_back(r.name);
  for (const SysctlRow& r : kSysctls)
    if (is_neighbour_row(r)) out.push_back(family_name(r, true));
  return out;
}

void apply_sysctls(const std::map<std::string, std::string>& sysctls, PredictionInput& in, bool ipv6,
                   bool absent_is_old_kernel) {
  for (const SysctlRow& r : kSysctls) {
    if (!r.set) continue;
    if (auto v = number(sysctls, family_name(r, ipv6)))
      r.set(in, *v);
    else if (r.when_absent && absent_is_old_kernel)
      r.set(in, *r.when_absent);
  }
}

}  // namespace crashlab::runner
