#include "model/sweep.hpp"

#include <algorithm>
#include <map>

#include "model/format.hpp"
#include "model/kernel_time.hpp"

namespace crashlab::model::detail {

int64_t step_margin(int64_t deadline, int64_t one_tick) { return std::max(one_tick, deadline / 50); }

namespace {

constexpr int64_t kMaxPhases = 65536;  // phases beyond this are sampled with a stride

// Outcomes that send the same number of segments before giving up.
struct Group {
  int64_t phases = 0;
  Run earliest;  // the run with the earliest give-up, used for the reason
  int64_t give_min = 0, give_max = 0;
  std::vector<int64_t> ev_min, ev_max;
};

using Groups = std::map<size_t, Group>;

void add_to_group(Group& g, const Run& run) {
  if (g.phases++ == 0) {
    g.earliest = run;
    g.give_min = g.give_max = run.give_up_j;
    for (const Event& e : run.events) {
      g.ev_min.push_back(e.at_j);
      g.ev_max.push_back(e.at_j);
    }
    return;
  }
  if (run.give_up_j < g.give_min) g.earliest = run;
  g.give_min = std::min(g.give_min, run.give_up_j);
  g.give_max = std::max(g.give_max, run.give_up_j);
  for (size_t i = 0; i < run.events.size(); ++i) {
    g.ev_min[i] = std::min(g.ev_min[i], run.events[i].at_j);
    g.ev_max[i] = std::max(g.ev_max[i], run.events[i].at_j);
  }
}

Groups sweep(const Simulator& sim, const TimerWheel& wheel, int bias, int64_t period) {
  const int64_t stride = std::max<int64_t>(1, period / kMaxPhases);
  Groups groups;
  for (int64_t j0 = 0; j0 < period; j0 += stride) {
    Run run = sim(wheel, j0, bias);
    add_to_group(groups[run.events.size()], run);
  }
  return groups;
}

// The outcome most phases agree on; ties go to the one that gives up sooner.
Groups::const_iterator majority(const Groups& groups) {
  auto best = groups.begin();
  for (auto it = groups.begin(); it != groups.end(); ++it)
    if (it->second.phases > best->second.phases) best = it;
  return best;
}

// The neighbouring outcome of a biased sweep: the group nearest to `key` on
// the requested side, or nullptr.
const Group* nearest(const Groups& groups, size_t key, bool below) {
  const Group* found = nullptr;
  if (below) {
    for (auto it = groups.begin(); it != groups.end() && it->first < key; ++it) found = &it->second;
  } else {
    auto it = groups.upper_bound(key);
    if (it != groups.end()) found = &it->second;
  }
  return found;
}

struct Alternative {
  int64_t give_up_j = -1;  // -1: none
  const char* why = "";
};

Alternative alternative_from(const Group* g, const char* why) {
  if (!g || g->give_min < 0) return {};
  return {g->give_min, why};
}

Alternative pick_alternative(const Simulator& sim, const TimerWheel& wheel, int64_t period,
                             const Groups& exact, size_t key, AlternativePolicy policy) {
  // A second outcome among the exact phases is real: the wheel phase decides.
  const Group* other = nullptr;
  for (const auto& [k, g] : exact)
    if (k != key && (!other || g.phases > other->phases)) other = &g;
  if (other) return alternative_from(other, "depends on the timer-wheel phase");

  Alternative earlier, later;
  int64_t earlier_phases = 0, later_phases = 0;
  if (policy.earlier) {
    const Groups early = sweep(sim, wheel, -1, period);
    const Group* g = nearest(early, key, true);
    earlier = alternative_from(g, "if the deadline check passes one step-margin early");
    if (g) earlier_phases = g->phases;
  }
  if (policy.later) {
    const Groups late = sweep(sim, wheel, +1, period);
    const Group* g = nearest(late, key, false);
    later = alternative_from(g, "if the elapsed time falls one step-margin short");
    if (g) later_phases = g->phases;
  }
  if (later.give_up_j >= 0 && (earlier.give_up_j < 0 || later_phases > earlier_phases)) return later;
  return earlier;
}

std::vector<Firing> schedule_of(const Group& g, int hz) {
  std::vector<Firing> out;
  for (size_t i = 0; i < g.earliest.events.size(); ++i) {
    const Event& e = g.earliest.events[i];
    out.push_back({jiffies_to_usecs(g.ev_min[i], hz), e.kind, e.n,
                   jiffies_to_usecs(g.ev_max[i] - g.ev_min[i], hz)});
  }
  return out;
}

std::string wheel_note(const Group& g, int64_t total_phases, int hz) {
  std::string s = " Timer wheel (HZ=" + std::to_string(hz) + "): give-up between " + secs_j(g.give_min, hz) +
                  " and " + secs_j(g.give_max, hz);
  if (g.phases != total_phases)
    s += " in " + std::to_string(g.phases) + " of " + std::to_string(total_phases) + " jiffy phases";
  return s + ".";
}

}  // namespace

Prediction assemble(const Simulator& sim, int hz, bool wheel_on, AlternativePolicy policy,
                    const Explainer& explain, const std::string& error) {
  const TimerWheel ideal(hz, false);
  const TimerWheel wheel(hz, wheel_on);
  const Run nominal = sim(ideal, 0, 0);
  const int64_t period = std::max(wheel.period(nominal.arm_delays_j), wheel.period(sim(wheel, 0, 0).arm_delays_j));

  const Groups exact = sweep(sim, wheel, 0, period);
  const auto best = majority(exact);
  const Group& g = best->second;
  int64_t total = 0;
  for (const auto& [k, grp] : exact) total += grp.phases;

  Prediction p;
  p.schedule = schedule_of(g, hz);
  p.nominal_give_up_us = nominal.give_up_j < 0 ? -1 : jiffies_to_usecs(nominal.give_up_j, hz);
  p.reason = explain(g.earliest, nominal);
  if (g.give_min < 0) return p;  // never gives up

  p.give_up_us = jiffies_to_usecs(g.give_min, hz);
  p.give_up_late_max_us = jiffies_to_usecs(g.give_max - g.give_min, hz);
  p.error = g.earliest.soft_error ? g.earliest.soft_error : error;
  if (wheel_on) p.reason += wheel_note(g, total, hz);
  const Alternative alt = pick_alternative(sim, wheel, period, exact, best->first, policy);
  // A second outcome among the exact phases: the kernel takes it in those phases.
  const Group* other = nullptr;
  for (const auto& [k, grp] : exact)
    if (k != best->first && (!other || grp.phases > other->phases)) other = &grp;
  if (other && other->give_min >= 0) {
    PhaseOutcome o;
    o.schedule = schedule_of(*other, hz);
    o.give_up_us = jiffies_to_usecs(other->give_min, hz);
    o.give_up_late_max_us = jiffies_to_usecs(other->give_max - other->give_min, hz);
    o.error = other->earliest.soft_error ? other->earliest.soft_error : error;
    o.phases = other->phases;
    o.total_phases = total;
    p.other_phase = std::move(o);
  }
  if (alt.give_up_j >= 0) {
    p.alternative_give_up_us = jiffies_to_usecs(alt.give_up_j, hz);
    p.reason += " Neighbouring outcome: " + secs(*p.alternative_give_up_us) + " (" + alt.why + ").";
  }
  return p;
}

}  // namespace crashlab::model::detail
