#pragma once
// What the model says one combination of settings does after a host crash and
// during an outage, for an idle and for a busy connection.
#include <optional>
#include <string>

#include "runner/advise/request.hpp"
#include "runner/advise/settings.hpp"

namespace crashlab::runner::advise {

// After the peer's host crashes. Idle: time zero is the last segment received (the
// crash right after it is the worst case); busy: the first unacknowledged send (the
// connection sends when the crash happens).
struct Detection {
  std::optional<double> earliest_ms, worst_ms;  // nullopt: never; worst includes the timer wheel's lateness
  std::string error;                            // errno name the application sees
  std::string reason;                           // the model's rule, in words
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

SideOutcome evaluate_idle(const Settings& s, int hz);
SideOutcome evaluate_busy(const Settings& s, int hz);

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
