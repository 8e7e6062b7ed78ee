#include "runner/prediction_input.hpp"

#include <algorithm>

namespace crashlab {

namespace {
using Json = nlohmann::json;

std::optional<int64_t> number(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return std::nullopt;
  }
}

template <class T>
void set_from(T& field, const std::map<std::string, std::string>& m, const std::string& key) {
  if (auto v = number(m, key)) field = T(*v);
}

std::optional<int> option(const Json& o, const char* name) {
  if (!o.contains(name)) return std::nullopt;
  const Json& v = o.at(name);
  return v.is_boolean() ? int(v.get<bool>()) : v.get<int>();
}

PredictionInput::Peer peer_after(const CaseSpec& spec) {
  using Peer = PredictionInput::Peer;
  const FaultSpec& f = spec.fault;
  // A downed bridge port swallows everything while the survivor's own link stays up.
  if (f.type == "link-drop" && spec.topology == TopologyKind::Switch) return Peer::Silent;
  if (f.type == "host-crash" || f.type == "host-reboot") return Peer::Silent;
  if (f.type == "partition") return f.drop == "tcp" ? Peer::TcpDropped : Peer::Silent;
  if (f.type == "freeze") return Peer::Acking;
  return Peer::Other;
}

std::string not_modelled_why(const CaseSpec& spec) {
  const std::string& t = spec.fault.type;
  if (t == "process-crash" || t == "process-exit")
    return "the peer's kernel answers at once (FIN or RST): no timer decides, one round trip does";
  if (t == "link-drop" && spec.topology == TopologyKind::Direct)
    return "the survivor's own carrier goes: veth drops, linkwatch and ARP failure decide, not TCP timers";
  return "no rule for this fault";
}

double ms_after(int64_t t_ns, int64_t fault_t) { return double(t_ns - fault_t) / 1e6; }
}  // namespace

model::KernelParams kernel_params(const std::map<std::string, std::string>& s, int hz) {
  model::KernelParams k;
  k.hz = hz;
  set_from(k.tcp_retries1, s, "net.ipv4.tcp_retries1");
  set_from(k.tcp_retries2, s, "net.ipv4.tcp_retries2");
  set_from(k.tcp_syn_retries, s, "net.ipv4.tcp_syn_retries");
  k.tcp_syn_linear_timeouts = int(number(s, "net.ipv4.tcp_syn_linear_timeouts").value_or(0));  // absent: older kernel
  set_from(k.tcp_keepalive_time_s, s, "net.ipv4.tcp_keepalive_time");
  set_from(k.tcp_keepalive_intvl_s, s, "net.ipv4.tcp_keepalive_intvl");
  set_from(k.tcp_keepalive_probes, s, "net.ipv4.tcp_keepalive_probes");
  set_from(k.tcp_rto_min_us, s, "net.ipv4.tcp_rto_min_us");
  set_from(k.tcp_rto_max_ms, s, "net.ipv4.tcp_rto_max_ms");
  set_from(k.tcp_orphan_retries, s, "net.ipv4.tcp_orphan_retries");
  set_from(k.tcp_fin_timeout_s, s, "net.ipv4.tcp_fin_timeout");
  set_from(k.tcp_early_retrans, s, "net.ipv4.tcp_early_retrans");
  return k;
}

model::SocketParams socket_params(const Json& o) {
  model::SocketParams p;
  p.keepalive = option(o, "SO_KEEPALIVE").value_or(0) != 0;
  p.keepidle_s = option(o, "TCP_KEEPIDLE");
  p.keepintvl_s = option(o, "TCP_KEEPINTVL");
  p.keepcnt = option(o, "TCP_KEEPCNT");
  p.syncnt = option(o, "TCP_SYNCNT");
  if (auto u = option(o, "TCP_USER_TIMEOUT")) p.user_timeout_ms = uint32_t(*u);
  p.rto_max_ms = option(o, "TCP_RTO_MAX_MS");
  return p;
}

std::optional<PredictionInput> prediction_input(World& w, const CaseResult& res, const std::string& role) {
  const CaseSpec& spec = w.spec;
  if (!w.alive[role] || spec.fault.target == role) return std::nullopt;
  PredictionInput in;
  in.fault = spec.fault.type;
  in.peer = peer_after(spec);
  if (in.peer == PredictionInput::Peer::Other) in.not_modelled = not_modelled_why(spec);
  const Json& hz = res.machine.value("hz", Json());
  const auto found = res.sysctls.find(role);
  const std::map<std::string, std::string> sysctls = found == res.sysctls.end() ? decltype(sysctls){} : found->second;
  in.kernel = kernel_params(sysctls, hz.is_number_integer() ? hz.get<int>() : 250);
  in.socket = socket_params(spec.sockets.count(role) ? spec.sockets.at(role) : Json::object());
  if (auto v = number(sysctls, "net.ipv4.neigh.eth0.mcast_solicit"))
    in.arp_probes = int(*v);
  if (auto v = number(sysctls, "net.ipv4.neigh.eth0.retrans_time_ms"))
    in.arp_retrans_ms = double(*v);

  // A new MAC nobody announced: the survivor keeps sending to the old one, which
  // no host accepts, until its neighbour entry expires (base_reachable_time/2 = 15 s
  // at the earliest), so for the model the peer is not back.
  const bool unannounced = spec.fault.new_mac && !spec.fault.gratuitous_arp;
  if (w.recovered_t && !unannounced) {
    in.recovery_ms = ms_after(*w.recovered_t, w.fault_t);
    in.recovery_answers_rst = spec.fault.type == "host-reboot";
  }
  if (w.connect_t && role == "client") {
    in.connect_ms = ms_after(*w.connect_t, w.fault_t);
    return in;
  }
  if (auto info = w.tcp_info_at_fault.find(role); info != w.tcp_info_at_fault.end()) {
    const TcpInfo& ti = info->second;
    in.flight.rto_us = ti.rto_us;
    if (ti.rtt_us > 0) in.flight.srtt_us = ti.rtt_us;
    in.flight.sack = ti.sack;
    int64_t since_recv = std::min(ti.last_data_recv_ms, ti.last_ack_recv_ms);
    in.last_recv_ms = ms_after(ti.t_ns, w.fault_t) - double(since_recv);
  }
  for (const AppEvent& e : w.outcomes_after_fault(role))
    if (e.is(AppEventKind::Sent)) {
      in.send_ms = ms_after(e.t_ns, w.fault_t);
      const auto info = w.tcp_info_at_fault.find(role);
      int64_t mss = std::max<int64_t>(1, info == w.tcp_info_at_fault.end() ? 1448 : info->second.snd_mss);
      in.flight.packets_out = int(std::clamp<int64_t>((e.bytes + mss - 1) / mss, 1, 10));
      break;
    }
  return in;
}

}  // namespace crashlab
