#pragma once
#include <optional>
#include <string>

#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// How far apart an unresolved neighbour's probes go: neigh_timer_handler() re-arms
// max(retrans_time, HZ/100) ahead, and the sysctl is held in whole jiffies.
double neigh_probe_interval_ms(const PredictionInput& in);

// The survivor's neighbour entry for a silent peer (net/core/neighbour.c), as the
// runner leaves it at the fault: created STALE by the peer's ARP request when it
// connected and never confirmed since, so traffic after the fault finds it in DELAY,
// delay_first_probe_time later ucast_solicit unicast probes retrans_time apart go
// unanswered, and the entry fails. A retransmission after that waits in a fresh
// INCOMPLETE entry for mcast_solicit broadcast probes; their failure sends an ICMP
// host-unreachable that reverts the RTO backoff (RFC 6069, tcp_ld_RTO_revert) and
// leaves EHOSTUNREACH as the error the give-up reports - or, where the peer host is
// back with a MAC nobody announced, the broadcast finds it and it answers RST.
//
// Why a data retransmission chain `s` to a silent peer leaves the model's rules
// that way before it gives up, or nullopt when it gives up first.
std::optional<std::string> neighbour_failure_interferes(const PredictionInput& in, const SidePrediction& s);

}  // namespace crashlab::runner
