#include "runner/predict/prediction_input.hpp"

#include <algorithm>
#include <cstdio>

#include "runner/case/roles.hpp"
#include "runner/predict/forgotten_flow.hpp"
#include "runner/predict/sysctl_table.hpp"

namespace crashlab::runner {

namespace {
// The socket options the model reads, and where each goes.
struct SocketRow {
  const char* name;
  void (*set)(model::SocketParams&, int);
};
const SocketRow kModelSocketOptions[] = {
    {"SO_KEEPALIVE", [](model::SocketParams& p, int v) { p.keepalive = v != 0; }},
    {"TCP_KEEPIDLE", [](model::SocketParams& p, int v) { p.keepidle_s = v; }},
    {"TCP_KEEPINTVL", [](model::SocketParams& p, int v) { p.keepintvl_s = v; }},
    {"TCP_KEEPCNT", [](model::SocketParams& p, int v) { p.keepcnt = v; }},
    {"TCP_SYNCNT", [](model::SocketParams& p, int v) { p.syncnt = v; }},
    {"TCP_USER_TIMEOUT", [](model::SocketParams& p, int v) { p.user_timeout_ms = uint32_t(v); }},
    {"TCP_RTO_MAX_MS", [](model::SocketParams& p, int v) { p.rto_max_ms = v; }},
};
}  // namespace

std::vector<std::string> model_socket_options() {
  std::vector<std::string> out;
  for (const SocketRow& r : kModelSocketOptions) out.emplace_back(r.name);
  return out;
}

model::SocketParams socket_params(const SocketOptions& opts) {
  model::SocketParams p;
  // Applied in order, as the endpoint does: a later setting of the same option wins.
  for (const SocketOption& o : opts)
    for (const SocketRow& r : kModelSocketOptions)
      if (o.name == r.name) r.set(p, o.value);
  return p;
}

PeerAfterFault peer_after_fault(const CaseSpec& spec) {
  PeerAfterFault p = spec.fault->peer_after(spec.topology);
  if (p.peer != PeerAfterFault::Peer::TcpDropped && p.peer != PeerAfterFault::Peer::AnswersRst) return p;
  // The rules for a forgotten flow hold while the router calls its segments invalid.
  for (const char* name : {"net.netfilter.nf_conntrack_tcp_loose", "net.netfilter.nf_conntrack_tcp_be_liberal"}) {
    const auto it = spec.router_sysctls.find(name);
    if (it != spec.router_sysctls.end() && it->second != "0")
      return {PeerAfterFault::Peer::Other,
              std::string("the router's ") + name + " is " + it->second +
                  ": its conntrack may take a segment of the forgotten flow as a new flow (the client's is masqueraded "
                  "again and goes through; the server's, addressed to the router itself, meets the router's own TCP, "
                  "which resets it), which the model does not follow"};
  }
  return p;
}

bool predicts_side(const CaseSpec& spec, Role role) {
  return spec.fault.target != role || spec.fault->target_sees_the_same();
}

std::optional<PredictionInput> prediction_input(const CaseSpec& spec, const Measurement& m, Role role) {
  const SideMeasurement& side = m.sides.at(role);
  if (!side.alive || !predicts_side(spec, role)) return std::nullopt;
  PredictionInput in;
  const PeerAfterFault peer = peer_after_fault(spec);
  in.peer = peer.peer;
  in.peer_after_idle_ms = peer.after_idle_ms;
  in.not_modelled = peer.peer == PredictionInput::Peer::Other && peer.not_modelled.empty() ? "no rule for this fault"
                                                                                          : peer.not_modelled;
  in.kernel.hz = m.hz.value_or(250);
  apply_sysctls(side.sysctls, in, spec.ipv6);
  if (const auto& n = side.neighbour_at_fault) {
    in.neighbour.known = true;
    in.neighbour.state = n->state;
    in.neighbour.since_ms = m.ms_after_fault(n->t_ns);
  }
  in.socket = socket_params(spec.socket_options(role));

  if (m.peer_there_t_ns && peer.recovery != PeerAfterFault::Recovery::None) {
    in.recovery_ms = m.ms_after_fault(*m.peer_there_t_ns);
    if (m.peer_there_from_t_ns) in.recovery_from_ms = m.ms_after_fault(*m.peer_there_from_t_ns);
    in.recovery_answers_rst = peer.recovery == PeerAfterFault::Recovery::AnswersRst;
  } else if (m.peer_there_t_ns) {
    in.peer_back_unannounced_ms = m.ms_after_fault(*m.peer_there_t_ns);
  }
  if (m.connect_t_ns && role == Role::Client) {
    in.connect_ms = m.ms_after_fault(*m.connect_t_ns);
    return in;
  }
  if (side.tcp_info) {
    const TcpInfoAtFault& ti = *side.tcp_info;
    in.flight.rto_us = ti.rto_us;
    if (ti.rtt_us > 0) in.flight.srtt_us = ti.rtt_us;
    in.flight.sack = ti.sack;
    in.last_recv_ms = m.ms_after_fault(ti.t_ns) - double(std::min(ti.last_data_recv_ms, ti.last_ack_recv_ms));
    // Probes unanswered since the last ACK (the peer rate-limits its out-of-window
    // ACKs: tcp_invalid_ratelimit) each raised the backoff one step after it, unless
    // it stood at its cap, tcp_retries2: then the backoff at that ACK is unknown.
    if (ti.zero_window) in.zero_window_backoff = ti.backoff - ti.probes;
    if (ti.zero_window && ti.probes > 0 && ti.backoff >= in.kernel.tcp_retries2) {
      in.peer = PredictionInput::Peer::Other;
      in.not_modelled = "window probes before the fault went unanswered (the peer rate-limits its out-of-window ACKs: "
                        "tcp_invalid_ratelimit) with the backoff at its cap, so the backoff the last ACK left is unknown";
    }
  }
  if (side.closed_t_ns) in.close_ms = m.ms_after_fault(*side.closed_t_ns);
  for (const AppRecord& a : side.app)
    if (a.outcome.kind == Outcome::Kind::Sent) {
      in.send_ms = m.ms_after_fault(a.t_ns);
      int64_t mss = std::max<int64_t>(1, side.tcp_info ? side.tcp_info->snd_mss : 1448);
      in.flight.packets_out = int(std::clamp<int64_t>((a.bytes + mss - 1) / mss, 1, 10));
      break;
    }
  return in;
}

namespace {
// A program that sent data after the fault: the kernel's retransmissions show it did,
// but not when it sent (only the endpoint reports its sends), and the model needs that.
std::optional<std::string> program_send_unseen(const Measurement& m, Role r) {
  const SideMeasurement& side = m.sides.at(r);
  if (!side.program) return std::nullopt;
  for (const AppRecord& a : side.app)
    if (a.outcome.kind == Outcome::Kind::Sent) return std::nullopt;
  const std::vector<double> retx = retransmissions_ms(m, r);
  if (retx.empty()) return std::nullopt;
  char at[32];
  std::snprintf(at, sizeof at, "%.1f ms", retx.front());
  return std::string("the program sent data after the fault (the kernel retransmitted it from ") + at +
         " on), and crashlab sees a program's retransmissions, not when it sent: the model needs that time, so it "
         "covers a program only while it sends nothing after the fault (waiting for a reply, idle)";
}
}  // namespace

// After a heal a side's segment meets whatever the other side's socket became: where
// that one ended first (gave up, or an orphan's end), the answer is RST. Its own
// prediction says when.
void meet_the_healed_peer(std::map<Role, PredictionInput>& inputs, Predictions& out) {
  const Predictions alone = out;
  for (auto& [r, in] : inputs) {
    const auto peer = alone.find(other(r));
    if (!in.recovery_ms || in.recovery_answers_rst || peer == alone.end() || !peer->second.not_modelled.empty() ||
        !peer->second.detected_after_ms)
      continue;
    in.peer_gave_up_ms = peer->second.detected_after_ms;
    in.peer_gave_up_late_ms = peer->second.late_max_ms;
    out[r] = predict_side(in);
  }
}

Predictions predict(const CaseSpec& spec, const Measurement& m) {
  Predictions out;
  std::map<Role, PredictionInput> inputs;
  for (Role r : kRoles) {
    auto in = prediction_input(spec, m, r);
    if (!in) continue;
    if (auto why = program_send_unseen(m, r)) {
      out[r].not_modelled = *why;
      out[r].reason = "not modelled: " + *why;
      continue;
    }
    inputs.emplace(r, *in);
  }
  share_the_flow(inputs);
  for (const auto& [r, in] : inputs) out[r] = predict_side(in);
  meet_the_healed_peer(inputs, out);
  return out;
}

}  // namespace crashlab::runner
