#include "runner/run/actions.hpp"

#include <algorithm>
#include <array>
#include <thread>

#include "netns/sys/clock.hpp"
#include "netns/wire/tcp_state.hpp"
#include "runner/faults/registry.hpp"
#include "runner/run/world/wait_world.hpp"

namespace crashlab::runner {

namespace {
bool is_detection_event(const AppEvent& e) { return e.is(AppEventKind::Eof) || e.is(AppEventKind::Error); }

std::string op_name(Op op);

int64_t trigger_time(World& w, const RunClock& clock, const Action& a) {
  switch (a.when) {
    case Trigger::Fault: return clock.fault_t;
    case Trigger::Connected: return clock.connected_t;
    case Trigger::Recovered: return clock.recovered_t.value_or(monotonic_ns());
    case Trigger::Detected: {
      AppEvent e = w.endpoint(a.role).wait_for(
          [&](const AppEvent& e) { return is_detection_event(e) && e.t_ns >= clock.fault_t; },
          "the application to see the fault (EOF or an error) before '" + op_name(a.op) + "'",
          milliseconds(poll_budget_ms(clock.deadline)));
      return e.t_ns;
    }
    case Trigger::State: {
      const std::string want = tcp_state_name(a.state);
      require_world_within(
          w, [&] { return w.last_state(a.role) == want; }, clock.deadline,
          std::string(role_name(a.role)) + " socket to reach " + want + " before '" + op_name(a.op) + "'",
          [&] { return w.last_state(a.role); });
      return monotonic_ns();
    }
  }
  return monotonic_ns();
}

// Each answers (or meets its error); what the application saw is read from the events later.
// A blocking send is the application's last act (action_rules.cpp): its answer is read
// from the events like any other outcome, whenever it comes.
void do_send(EndpointClient& ep, const Action& a) {
  if (a.blocks)
    ep.start_send(a.bytes);
  else
    ep.send(a.bytes);
}
void do_close(EndpointClient& ep, const Action&) { ep.close(); }
void do_shutdown(EndpointClient& ep, const Action&) { ep.shutdown(ShutdownHow::Write); }
void do_recv(EndpointClient& ep, const Action&) { ep.set_reading(true); }
void do_exit(EndpointClient& ep, const Action&) {
  ep.exit();
  ep.process().wait_exit(default_timeout());
}

struct OpRow {
  Op op;
  const char* name;
  void (*perform)(EndpointClient&, const Action&);
};
constexpr std::array<OpRow, 5> kOpTable = {{{Op::Send, "send", do_send},
                                            {Op::Close, "close", do_close},
                                            {Op::Shutdown, "shutdown", do_shutdown},
                                            {Op::Recv, "recv", do_recv},
                                            {Op::Exit, "exit", do_exit}}};

const OpRow& row(Op op) { return *std::find_if(kOpTable.begin(), kOpTable.end(), [&](const OpRow& r) { return r.op == op; }); }
std::string op_name(Op op) { return row(op).name; }

// Returns when it woke: the step's start.
int64_t sleep_until_ns(int64_t t_ns) {
  int64_t wait_ns = t_ns - monotonic_ns();
  if (wait_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));  // scenario timing, not a wait
  return monotonic_ns();
}
}  // namespace

namespace {
// When a step is due after the fault, where the case alone says it (nullopt: it
// waits for something the run decides: a detection, a state).
std::optional<int64_t> nominal_ms(const Step& s, int64_t recovery_ms, const std::vector<Fault::LaterStep>& later) {
  if (!s.action) return recovery_ms + (s.later ? later.at(*s.later).after_recovery_ms : 0);
  if (s.action->when == Trigger::Fault) return s.action->delay_ms;
  if (s.action->when == Trigger::Recovered) return recovery_ms + s.action->delay_ms;
  return std::nullopt;
}
}  // namespace

// The recovery and its later steps go after every action due no later from the
// fault (or the recovery) itself; actions keep their order, later steps theirs.
std::vector<Step> after_fault_steps(const CaseSpec& spec) {
  std::vector<Step> steps;
  for (const Action& a : spec.after_fault) steps.push_back({&a, 0});
  auto at = spec.fault->recovery_after_ms();
  if (!at) return steps;
  // Before the first action due later, or waiting on the run, or (for the recovery
  // itself) triggered by it.
  const std::vector<Fault::LaterStep> later = spec.fault->later_steps();
  auto insert = [&](Step step, std::vector<Step>::iterator from) {
    const int64_t due = *nominal_ms(step, *at, later);
    auto pos = std::find_if(from, steps.end(), [&](const Step& s) {
      const auto t = nominal_ms(s, *at, later);
      return !t || *t > due || (!step.later && s.action->when == Trigger::Recovered);
    });
    return steps.insert(pos, step);
  };
  auto from = insert(Step{nullptr, *at}, steps.begin()) + 1;
  for (size_t i = 0; i < later.size(); ++i) from = insert(Step{nullptr, *at, i}, from) + 1;
  return steps;
}

StepTiming perform(World& w, RunClock& clock, const Step& step) {
  StepTiming t;
  const Fault& fault = *w.spec.fault;
  const Role target = w.spec.fault.target;
  if (!step.action && !step.later) {
    t.what = "recovery";
    t.kind = StepKind::Recovery;
    t.due_ns = clock.fault_t + step.recovery_at_ms * 1000000;
    t.started_ns = sleep_until_ns(t.due_ns);
    clock.recovered_t = fault.recover(w, target);
    if (!fault.peer_there_at_later_step()) clock.peer_there_from_t = clock.peer_there_t = clock.recovered_t;
  } else if (!step.action) {
    if (!clock.recovered_t) throw std::logic_error("a later step of the recovery before the recovery");
    const Fault::LaterStep later = fault.later_steps().at(*step.later);
    t.what = later.what;
    t.kind = StepKind::RecoveryStep;
    t.due_ns = *clock.recovered_t + later.after_recovery_ms * 1000000;
    t.started_ns = sleep_until_ns(t.due_ns);
    fault.do_later_step(w, target, *step.later);
    if (fault.peer_there_at_later_step() == step.later) {
      clock.peer_there_from_t = t.started_ns;  // it took effect somewhere in between
      clock.peer_there_t = monotonic_ns();
    }
  } else {
    const Action& a = *step.action;
    t.what = std::string(role_name(a.role)) + " " + op_name(a.op);
    t.due_ns = trigger_time(w, clock, a) + a.delay_ms * 1000000;
    t.started_ns = sleep_until_ns(t.due_ns);
    row(a.op).perform(w.endpoint(a.role), a);
  }
  t.done_ns = monotonic_ns();
  return t;
}

}  // namespace crashlab::runner
