#include "runner/predict/neighbour.hpp"

#include <algorithm>
#include <cmath>

#include "runner/ms_text.hpp"

namespace crashlab::runner {

namespace {
// The connection is set up this long before the fault at most, and the neighbour
// timers start then: the entry may fail this much before the rule's nominal time.
constexpr double kHandshakeBeforeFaultMs = 250;
}  // namespace

double neigh_probe_interval_ms(const PredictionInput& in) {
  const int hz = in.kernel.hz;
  const auto j = std::max<int64_t>(int64_t(std::ceil(in.arp_retrans_ms * hz / 1000)), hz / 100);
  return double(j) * 1000 / hz;
}

std::optional<std::string> neighbour_failure_interferes(const PredictionInput& in, const SidePrediction& s) {
  if (in.peer != PredictionInput::Peer::Silent || !in.send_ms) return std::nullopt;
  const double interval = neigh_probe_interval_ms(in);
  const double fails_ms = in.first_probe_delay_ms + in.unicast_probes * interval - kHandshakeBeforeFaultMs;
  // A retransmission queued on the failed entry learns its fate this much later.
  const bool answered = in.peer_back_unannounced_ms.has_value();
  const double wait_ms = answered ? 0 : in.arp_probes * interval;
  const double give_up = s.detected_after_ms.value_or(1e300);
  for (const PredictedFiring& f : s.schedule) {
    if (f.at_ms < fails_ms || f.at_ms + wait_ms >= give_up) continue;
    return "the survivor's neighbour entry for its peer fails about " + ms_text(fails_ms + kHandshakeBeforeFaultMs, 0) +
           " after the fault (unconfirmed since the handshake: neigh delay_first_probe_time " +
           ms_text(in.first_probe_delay_ms, 0) + " + ucast_solicit " + std::to_string(in.unicast_probes) + " x retrans_time " +
           ms_text(interval, 0) + "), and " + f.kind + " #" + std::to_string(f.n) + " at " + ms_text(f.at_ms, 0) +
           " comes after it, before the give-up at " + ms_text(give_up, 0) + ": it waits for a broadcast ARP " +
           (answered ? "that the peer, back with a new MAC, answers (RST)"
                     : "whose failure " + ms_text(wait_ms, 0) + " later reverts the RTO backoff (RFC 6069) and turns the "
                       "error into EHOSTUNREACH") +
           " - not modelled; shorten the chain (tcp_retries2, TCP_USER_TIMEOUT, tcp_rto_min_us) to stay under it";
  }
  return std::nullopt;
}

}  // namespace crashlab::runner
