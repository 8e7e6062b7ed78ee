#include "runner/advise/evaluate.hpp"

#include <algorithm>

#include "runner/advise/same_link.hpp"
#include "runner/predict/planned.hpp"

namespace crashlab::runner::advise {

Detection detection_of(const model::Prediction& p) {
  Detection d;
  d.reason = p.reason;
  d.error = p.error;
  if (p.give_up_us < 0) return d;
  double earliest = double(p.give_up_us) / 1e3, worst = double(p.give_up_us + p.give_up_late_max_us) / 1e3;
  // A step function: the neighbouring outcome may come a firing earlier or later.
  if (p.alternative_give_up_us) {
    earliest = std::min(earliest, double(*p.alternative_give_up_us) / 1e3);
    worst = std::max(worst, double(*p.alternative_give_up_us) / 1e3);
  }
  d.earliest_ms = earliest;
  d.worst_ms = worst;
  return d;
}

namespace {
bool is_probe(const model::Firing& f) { return f.kind == "keepalive_probe"; }

// The earliest moment the chain may give up, over both outcomes.
double earliest_give_up_us(const model::Prediction& p) {
  double g = double(p.give_up_us);
  if (p.alternative_give_up_us) g = std::min(g, double(*p.alternative_give_up_us));
  return g;
}
}  // namespace

double assumed_round_trip_ms() { return PlanAssumptions{}.round_trip_ms; }

model::FlightParams assumed_flight(const model::KernelParams& k) {
  model::FlightParams f;
  f.srtt_us = int64_t(assumed_round_trip_ms() * 1000);
  f.rto_us = k.tcp_rto_min_us + *f.srtt_us;
  f.sack = true;
  return f;
}

// Keepalive: the outage starts just before the first probe (starting earlier leaves
// more of the idle time inside it; after an answered probe the idle time restarts).
// The last probe that is sent in every timer-wheel phase before the earliest give-up
// must come after the outage; the first may be late by its whole spread.
SideOutcome evaluate_idle(const Settings& s, int hz) {
  const model::Prediction p = model::predict_keepalive(kernel_params(s, hz), socket_params(s));
  SideOutcome o{detection_of(p), std::nullopt};
  o.probes = int(std::count_if(p.schedule.begin(), p.schedule.end(), is_probe));
  if (p.give_up_us < 0) return o;
  const double give_up = earliest_give_up_us(p);
  const model::Firing* first = nullptr;
  const model::Firing* last = nullptr;
  for (const model::Firing& f : p.schedule) {
    if (!is_probe(f)) continue;
    if (!first) first = &f;
    if (double(f.at_us + f.late_max_us) < give_up) last = &f;
  }
  o.tolerated_ms = first && last ? std::max(0.0, double(last->at_us - first->at_us - first->late_max_us) / 1e3) : 0.0;
  return o;
}

namespace {
// Data in flight: the outage starts with the send. Any retransmission (or tail loss
// probe) at or after the heal and before the earliest give-up gets through.
struct BusyChain {
  model::FlightParams flight;
  model::Prediction prediction;
  SideOutcome outcome;
};

BusyChain busy_chain(const Settings& s, int hz) {
  const model::KernelParams k = kernel_params(s, hz);
  BusyChain c{assumed_flight(k), {}, {}};
  c.prediction = model::predict_data_retransmission(k, socket_params(s), c.flight);
  const model::Prediction& p = c.prediction;
  SideOutcome& o = c.outcome;
  o.detection = detection_of(p);
  o.probes = int(p.schedule.size());
  if (p.give_up_us < 0) return c;
  const double give_up = earliest_give_up_us(p);
  double tolerated = 0;
  for (const model::Firing& x : p.schedule)
    if (double(x.at_us) < give_up) tolerated = std::max(tolerated, double(x.at_us) / 1e3);
  o.tolerated_ms = tolerated;
  return c;
}
}  // namespace

SideOutcome evaluate_busy_chain(const Settings& s, int hz) { return busy_chain(s, hz).outcome; }

// The outage keeps the chain's own tolerance: the reverts of an entry that fails
// during it only add firings (each firing of the chain before its deadline, the user
// timeout or tcp_retries2's budget, is also one of the reverted chain's, which gives
// up no earlier than that deadline).
SideOutcome evaluate_busy(const Settings& s, int hz) {
  BusyChain c = busy_chain(s, hz);
  if (c.prediction.give_up_us >= 0) cover_same_link(c.outcome.detection, s, hz, c.flight, c.prediction);
  return c.outcome;
}

Evaluation evaluate(const Settings& s, int hz) { return {evaluate_idle(s, hz), evaluate_busy(s, hz), s.probes_per_hour()}; }

bool side_meets(const SideOutcome& o, const Request& r) {
  const Detection& d = o.detection;
  if (!d.worst_ms || *d.worst_ms > double(r.detect_within_ms)) return false;
  if (r.survive_outage_ms == 0 || !o.tolerated_ms) return true;
  return *o.tolerated_ms >= double(r.survive_outage_ms) + r.tick_ms();
}

bool meets(const Evaluation& e, const Request& r) {
  return (!r.wants_idle() || side_meets(e.idle, r)) && (!r.wants_busy() || side_meets(e.busy, r));
}

std::optional<double> tolerated_ms(const Evaluation& e, const Request& r) {
  std::optional<double> t;
  auto take = [&](const SideOutcome& o) {
    if (o.tolerated_ms) t = t ? std::min(*t, *o.tolerated_ms) : *o.tolerated_ms;
  };
  if (r.wants_idle()) take(e.idle);
  if (r.wants_busy()) take(e.busy);
  return t;
}

}  // namespace crashlab::runner::advise
