#include "runner/advise/same_link.hpp"

#include <algorithm>

#include "runner/ms_text.hpp"
#include "runner/predict/past_horizon.hpp"

namespace crashlab::runner::advise {

namespace {
PredictionInput busy_crash(const Settings& s, int hz, const model::FlightParams& f) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.send_ms = 0;
  in.kernel = kernel_params(s, hz);
  in.socket = socket_params(s);
  in.flight = f;
  in.neighbour.known = true;
  in.neighbour.state = NudState::Reachable;
  return in;
}

std::string widening_text(const NeighbourFailureRisk& n, size_t chains, bool user_timeout, bool inside) {
  return " Same link: the dead peer's neighbour entry, REACHABLE at the crash, can be FAILED from " +
         seconds_text(n.fails_from_ms) + " on (" + n.why + "); a retransmission after that waits " +
         ms_text(n.arp_wait_ms, 0) + " for broadcast ARP, and an ICMP host-unreachable that comes before the give-up "
         "reports EHOSTUNREACH and reverts one step of backoff (RFC 6069, tcp_ld_RTO_revert), re-arming the timer for "
         "one RTO after the segment was sent" + (user_timeout ? ", without TCP_USER_TIMEOUT's clamp" : "") +
         ". Over every moment the entry can fail (" + std::to_string(chains) +
         (chains == 1 ? " retransmission" : " retransmissions") + " may be the first on it) the give-up comes " +
         seconds_text(n.earliest_ms) + " to " + seconds_text(n.worst_ms) + (inside ? ", inside the chain's own interval." : ".");
}
}  // namespace

void cover_same_link(Detection& d, const Settings& s, int hz, const model::FlightParams& f, const model::Prediction& alone) {
  const auto past = data_past_horizon(busy_crash(s, hz, f), alone);
  if (!past || !d.worst_ms) return;
  if (!past->not_covered.empty()) {  // not with the entry assumed here; honest all the same
    d.earliest_ms.reset();
    d.worst_ms.reset();
    d.reason = "not modelled: " + past->not_covered;
    return;
  }
  NeighbourFailureRisk n{past->horizon.fails_from_ms, past->horizon.why, past->arp_wait_ms, d.error, *d.earliest_ms, *d.worst_ms};
  bool first = true;
  for (const model::Prediction& chain : past->chains) {
    const Detection c = detection_of(chain);
    if (!c.worst_ms) continue;  // the revert never stops the timer
    n.earliest_ms = first ? *c.earliest_ms : std::min(n.earliest_ms, *c.earliest_ms);
    n.worst_ms = first ? *c.worst_ms : std::max(n.worst_ms, *c.worst_ms);
    first = false;
    if (c.error != d.error) {
      n.error = c.error;
      n.icmp_first = true;
    }
  }
  const bool inside = n.earliest_ms >= *d.earliest_ms && n.worst_ms <= *d.worst_ms;
  d.earliest_ms = std::min(*d.earliest_ms, n.earliest_ms);
  d.worst_ms = std::max(*d.worst_ms, n.worst_ms);
  d.reason += widening_text(n, past->chains.size(), s.user_timeout_ms.has_value(), inside);
  n.chains = int(past->chains.size());
  d.neighbour = n;
}

NeighbourHorizon assumed_neighbour_horizon(int hz) {
  const Settings s;
  return *neighbour_horizon(busy_crash(s, hz, assumed_flight(kernel_params(s, hz))), 0);  // REACHABLE: always one
}

}  // namespace crashlab::runner::advise
