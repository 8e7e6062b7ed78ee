#include "runner/predict/planned.hpp"

#include <algorithm>

#include "runner/predict/sysctl_table.hpp"

namespace crashlab::runner {

namespace {
constexpr int64_t kMss = 1448;

// The first `op` (send, close) by `role` after the fault whose moment the spec fixes,
// with its bytes.
std::optional<std::pair<double, int64_t>> first_action(const CaseSpec& spec, Role role, Op op) {
  const auto recovery = spec.fault->recovery_after_ms();
  for (const Action& a : spec.after_fault) {
    if (a.role != role || a.op != op) continue;
    if (a.when == Trigger::Fault) return std::pair{double(a.delay_ms), a.bytes};
    if (a.when == Trigger::Recovered && recovery) return std::pair{double(*recovery + a.delay_ms), a.bytes};
    return std::nullopt;  // after a detection or a state: no time the spec can fix
  }
  return std::nullopt;
}
// The entry the run will set at the fault (untouched: unknown until it is read back).
void plan_neighbour(NeighbourChoice c, NeighbourInput& n) {
  struct Planned {
    NeighbourChoice choice;
    bool known;
    std::optional<NudState> state;
  };
  static const Planned kPlanned[] = {{NeighbourChoice::Reachable, true, NudState::Reachable},
                                     {NeighbourChoice::Stale, true, NudState::Stale},
                                     {NeighbourChoice::Absent, true, std::nullopt},
                                     {NeighbourChoice::Untouched, false, std::nullopt}};
  for (const Planned& p : kPlanned)
    if (p.choice == c) {
      n.known = p.known;
      n.state = p.state;
    }
}
}  // namespace

std::optional<PredictionInput> planned_input(const CaseSpec& spec, Role role, const PlanAssumptions& a) {
  if (!predicts_side(spec, role)) return std::nullopt;
  PredictionInput in;
  const PeerAfterFault peer = spec.fault->peer_after(spec.topology);
  in.peer = peer.peer;
  in.peer_after_idle_ms = peer.after_idle_ms;
  in.not_modelled = peer.peer == PredictionInput::Peer::Other && peer.not_modelled.empty() ? "no rule for this fault"
                                                                                          : peer.not_modelled;
  in.kernel.hz = a.hz;
  if (auto s = spec.sysctls.find(role); s != spec.sysctls.end()) apply_sysctls(s->second, in, spec.ipv6, false);
  in.socket = socket_params(spec.socket_options(role));
  plan_neighbour(spec.neighbour_at_fault(role), in.neighbour);
  if (auto at = spec.fault->recovery_after_ms(); at && peer.recovery != PeerAfterFault::Recovery::None) {
    in.recovery_ms = double(*at);
    in.recovery_answers_rst = peer.recovery == PeerAfterFault::Recovery::AnswersRst;
  } else if (at) {
    in.peer_back_unannounced_ms = double(*at);
  }
  if (spec.connect_after_fault && role == Role::Client) {
    in.connect_ms = 0;
    return in;
  }
  // A fresh connection's RTO: TCP_RTO_MIN plus the round trip (tcp_set_rto()).
  in.flight.rto_us = in.kernel.tcp_rto_min_us + int64_t(a.round_trip_ms * 1000);
  in.flight.srtt_us = int64_t(a.round_trip_ms * 1000);
  in.flight.sack = true;  // net.ipv4.tcp_sack defaults to 1 on both ends
  if (auto close = first_action(spec, role, Op::Close)) in.close_ms = close->first;  // an orphan from then
  if (auto send = first_action(spec, role, Op::Send)) {
    in.send_ms = send->first;
    in.flight.packets_out = int(std::clamp<int64_t>((send->second + kMss - 1) / kMss, 1, 10));
  } else {
    in.last_recv_ms = 0;
  }
  return in;
}

Predictions plan(const CaseSpec& spec, const PlanAssumptions& a) {
  Predictions out;
  std::map<Role, PredictionInput> inputs;
  for (Role r : {Role::Server, Role::Client})
    if (auto in = planned_input(spec, r, a)) {
      out[r] = predict_side(*in);
      inputs.emplace(r, *in);
    }
  meet_the_healed_peer(inputs, out);
  return out;
}

}  // namespace crashlab::runner
