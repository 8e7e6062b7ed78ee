#pragma once
// What the model says one combination of settings does after a host crash and
// during an outage, for an idle and for a busy connection.
#include <optional>
#include <string>

#include "runner/advise/request.hpp"
#include "runner/advise/settings.hpp"

namespace crashlab::runner::advise {

// A busy chain that runs past the neighbour horizon (runner/predict/past_horizon.hpp):
// the dead peer on the same link, its entry REACHABLE at the crash, can be FAILED
// before the chain ends.
struct NeighbourFailureRisk {
  double fails_from_ms = 0;  // the horizon, after the crash
  std::string why;           // its rule, with its numbers
  double arp_wait_ms = 0;    // a retransmission on the failed entry waits this long for its ICMP
  std::string error;         // what the give-up reports once an ICMP came ("EHOSTUNREACH")
  // The give-up over every moment the entry can fail (the interval covers these too).
  double earliest_ms = 0, worst_ms = 0;
  int chains = 0;  // retransmissions that may be the first on the failed entry: a model run each
  bool icmp_first = false;  // in some of those runs an ICMP reaches the socket before the give-up
};

// After the peer's host crashes. Idle: time zero is the last segment received (the
// crash right after it is the worst case); busy: the first unacknowledged send (the
// connection sends when the crash happens).
struct Detection {
  std::optional<double> earliest_ms, worst_ms;  // nullopt: never; worst includes the timer wheel's lateness
  std::string error;                            // errno name the application sees
  std::string reason;                           // the model's rule, in words
  std::optional<NeighbourFailureRisk> neighbour;  // busy only: the interval covers the entry failing
};

struct SideOutcome {
  Detection detection;
  // The longest outage a healthy connection lives through in the worst case (the
  // outage starting just before the first probe or with the send); nullopt: the
  // connection never gives up, any outage is survived.
  std::optional<double> tolerated_ms;
  int probes = 0;  // keepalive probes (idle) or retransmissions (busy) before the give-up
};

// The round trip a fresh connection's RTO is computed from (as the runner's plan).
double assumed_round_trip_ms();
// The busy connection's data in flight: that round trip, its RTO, SACK (a tail loss probe).
model::FlightParams assumed_flight(const model::KernelParams& k);
// The model's answer as an interval: the give-up, its timer-wheel lateness and its
// neighbouring outcome.
Detection detection_of(const model::Prediction& p);

SideOutcome evaluate_idle(const Settings& s, int hz);
// Data in flight, the send as the peer dies; where the chain runs past the survivor's
// neighbour entry's horizon, the interval covers every moment the entry can fail
// (same_link.hpp). Keepalive probes are unaffected: their ICMPs fall outside the
// window tcp_v4_err() accepts.
SideOutcome evaluate_busy(const Settings& s, int hz);
// The chain alone, as if the entry outlived it: what evaluate_busy says but for the
// widened detection (the same tolerance and packets), for a model run instead of one
// per retransmission past the horizon.
SideOutcome evaluate_busy_chain(const Settings& s, int hz);

struct Evaluation {
  SideOutcome idle, busy;
  double probes_per_hour = 0;
};
Evaluation evaluate(const Settings& s, int hz);

// The side meets the deadline in the worst case and survives the outage, which
// must end at least a tick before the firing that gets through.
bool side_meets(const SideOutcome& o, const Request& r);
bool meets(const Evaluation& e, const Request& r);
// The shortest outage the chosen traffic kinds survive (the margin a proposal buys);
// nullopt: any outage.
std::optional<double> tolerated_ms(const Evaluation& e, const Request& r);

}  // namespace crashlab::runner::advise
