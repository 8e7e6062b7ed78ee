#include "runner/predict/planned.hpp"

#include <algorithm>

#include "runner/case/roles.hpp"
#include "runner/predict/forgotten_flow.hpp"
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

// A writer blocked since before the fault on a peer that does not read: its send fills
// the peer's window within milliseconds of the connection, and the probe timer runs
// from then on (tcp_probe_timer(), tcp_send_probe0(): each probe raises the backoff one
// step up to tcp_retries2). The peer answers a probe only when its last out-of-window
// ACK is tcp_invalid_ratelimit (500 ms) old (tcp_oow_rate_limited()), and each answer
// clears probes_out. The run reads the real backoff and last ACK from TCP_INFO.
void plan_closed_window(const CaseSpec& spec, Role role, PredictionInput& in) {
  const auto blocked = std::find_if(spec.before_fault.begin(), spec.before_fault.end(),
                                    [&](const Action& x) { return x.role == role && x.blocks; });
  const Role peer = other(role);
  // A send the peer's initial receive buffer (tcp_rmem[1], 128 KiB by default) takes
  // whole never closes its window; the peer's buffer does not grow while it does not read.
  if (blocked == spec.before_fault.end() || spec.reads_socket(peer) || blocked->bytes <= 131072) return;
  double ratelimit_ms = 500;
  if (auto s = spec.sysctls.find(peer); s != spec.sysctls.end())
    if (auto r = s->second.find("net.ipv4.tcp_invalid_ratelimit"); r != s->second.end()) ratelimit_ms = std::stod(r->second);
  const double tick_ms = 1000.0 / in.kernel.hz;
  // The window closes as the send starts (its delay after the connection); the fault
  // comes after_ms after the connection (plus the runner's setup, which the run measures).
  const double fault_ms = double(spec.fault.after_ms);
  double armed = double(blocked->delay_ms), last_ack = armed, last_answer = -1e18;
  int backoff = 0, probes_out = 0;
  for (;;) {
    const double fire =
        armed + tick_ms * double(model::zero_window_probe_interval_j(in.kernel, in.socket, {in.flight.rto_us, backoff}));
    if (fire > fault_ms) break;
    if (probes_out >= in.kernel.tcp_retries2) {
      in.peer = PredictionInput::Peer::Other;
      in.not_modelled = "the peer's window closed with tcp_retries2=" + std::to_string(in.kernel.tcp_retries2) +
                        ": the probe timer aborts the connection before the fault, while the peer still answers "
                        "(it answers a probe only every tcp_invalid_ratelimit, and an unanswered one counts)";
      return;
    }
    ++probes_out;
    if (backoff < in.kernel.tcp_retries2) ++backoff;
    if (fire - last_answer >= ratelimit_ms) last_answer = last_ack = fire, probes_out = 0;
    armed = fire;
  }
  if (probes_out > 0) {
    in.peer = PredictionInput::Peer::Other;
    in.not_modelled = "a window probe before the fault goes unanswered (the peer's out-of-window ACKs are rate-limited: "
                      "tcp_invalid_ratelimit), so the probe timer does not start from an ACK";
    return;
  }
  in.zero_window_backoff = backoff;
  in.last_recv_ms = last_ack - fault_ms;
}
}  // namespace

std::optional<PredictionInput> planned_input(const CaseSpec& spec, Role role, const PlanAssumptions& a) {
  if (!predicts_side(spec, role)) return std::nullopt;
  PredictionInput in;
  const PeerAfterFault peer = peer_after_fault(spec);
  in.peer = peer.peer;
  in.peer_after_idle_ms = peer.after_idle_ms;
  in.not_modelled = peer.peer == PredictionInput::Peer::Other && peer.not_modelled.empty() ? "no rule for this fault"
                                                                                          : peer.not_modelled;
  in.kernel.hz = a.hz;
  if (auto s = spec.sysctls.find(role); s != spec.sysctls.end()) apply_sysctls(s->second, in, spec.ipv6, false);
  in.socket = socket_params(spec.socket_options(role));
  plan_neighbour(spec.neighbour_at_fault(role), in.neighbour);
  if (auto at = spec.fault->peer_there_after_ms(); at && peer.recovery != PeerAfterFault::Recovery::None) {
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
  plan_closed_window(spec, role, in);
  if (auto close = first_action(spec, role, Op::Close)) in.close_ms = close->first;  // an orphan from then
  if (auto send = first_action(spec, role, Op::Send)) {
    in.send_ms = send->first;
    in.flight.packets_out = int(std::clamp<int64_t>((send->second + kMss - 1) / kMss, 1, 10));
  } else if (!in.zero_window_backoff) {
    // The endpoint goes quiet once its before_fault actions are done, after_ms before
    // the fault; a program may talk until the fault, so its silence starts there.
    in.last_recv_ms = spec.program(role) ? 0 : -double(spec.fault.after_ms);
  }
  return in;
}

Predictions plan(const CaseSpec& spec, const PlanAssumptions& a) {
  Predictions out;
  std::map<Role, PredictionInput> inputs;
  for (Role r : {Role::Server, Role::Client})
    if (auto in = planned_input(spec, r, a)) inputs.emplace(r, *in);
  share_the_flow(inputs);
  for (const auto& [r, in] : inputs) out[r] = predict_side(in);
  meet_the_healed_peer(inputs, out);
  return out;
}

}  // namespace crashlab::runner
