#include "runner/predict/prediction_input.hpp"

#include <algorithm>

#include "runner/case/roles.hpp"
#include "runner/predict/sysctl_table.hpp"

namespace crashlab::runner {

namespace {
std::optional<int> option(const SocketOptions& opts, const char* name) {
  for (const SocketOption& o : opts)
    if (o.name == name) return o.value;
  return std::nullopt;
}
}  // namespace

model::SocketParams socket_params(const SocketOptions& o) {
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

std::optional<PredictionInput> prediction_input(const CaseSpec& spec, const Measurement& m, Role role) {
  const SideMeasurement& side = m.sides.at(role);
  if (!side.alive || spec.fault.target == role) return std::nullopt;
  PredictionInput in;
  const PeerAfterFault peer = spec.fault->peer_after(spec.topology);
  in.peer = peer.peer;
  in.not_modelled = peer.peer == PredictionInput::Peer::Other && peer.not_modelled.empty() ? "no rule for this fault"
                                                                                          : peer.not_modelled;
  in.kernel.hz = m.hz.value_or(250);
  apply_sysctls(side.sysctls, in);
  if (const auto& n = side.neighbour_at_fault) {
    in.neighbour.known = true;
    in.neighbour.state = n->state;
    in.neighbour.since_ms = m.ms_after_fault(n->t_ns);
  }
  in.socket = socket_params(spec.socket_options(role));

  if (m.recovered_t_ns && peer.recovery != PeerAfterFault::Recovery::None) {
    in.recovery_ms = m.ms_after_fault(*m.recovered_t_ns);
    in.recovery_answers_rst = peer.recovery == PeerAfterFault::Recovery::AnswersRst;
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
  }
  for (const AppRecord& a : side.app)
    if (a.outcome.kind == Outcome::Kind::Sent) {
      in.send_ms = m.ms_after_fault(a.t_ns);
      int64_t mss = std::max<int64_t>(1, side.tcp_info ? side.tcp_info->snd_mss : 1448);
      in.flight.packets_out = int(std::clamp<int64_t>((a.bytes + mss - 1) / mss, 1, 10));
      break;
    }
  return in;
}

Predictions predict(const CaseSpec& spec, const Measurement& m) {
  Predictions out;
  for (Role r : kRoles)
    if (auto in = prediction_input(spec, m, r)) out[r] = predict_side(*in);
  return out;
}

}  // namespace crashlab::runner
