#include "runner/run/measure.hpp"

#include <thread>

#include "netns/client/bring_up.hpp"
#include "netns/sys/clock.hpp"
#include "netns/observe/wakeup_lateness.hpp"
#include "runner/case/roles.hpp"
#include "runner/run/actions.hpp"
#include "runner/run/world/capture.hpp"
#include "runner/run/pace/churn_gate.hpp"
#include "runner/run/collect.hpp"
#include "runner/run/environment.hpp"
#include "runner/run/world/neighbours.hpp"
#include "runner/run/world/programs.hpp"
#include "runner/run/world/topology_options.hpp"
#include "runner/run/world/wait_world.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

namespace {
using Json = nlohmann::json;

// The server listens (the endpoint with an accept armed, or its program ready); the
// client's endpoint is started, its program only when it is time to connect.
void start_sides(World& w) {
  const std::string saddr = w.topo->address(Role::Server);
  if (w.spec.program(Role::Server)) {
    start_program(w, Role::Server);
  } else {
    w.ep[Role::Server] = std::make_unique<EndpointClient>(w.topo->host(Role::Server).ns(), "server");
    w.accept_id = listen_and_accept(w.endpoint(Role::Server), saddr, w.port, w.spec.socket_options(Role::Server)).accept_id;
  }
  if (!w.spec.program(Role::Client))
    w.ep[Role::Client] = std::make_unique<EndpointClient>(w.topo->host(Role::Client).ns(), "client");
  w.key[Role::Client] = ConnKey{w.topo->address(Role::Client), w.client_port, saddr, w.port};
  // Behind the router's NAT the server's peer is the router's address; masquerade
  // keeps the client's port while no other flow holds it.
  w.key[Role::Server] = ConnKey{saddr, w.port, w.topo->peer_address(Role::Server), w.client_port};
}

void enable_reads(World& w) {
  for (Role r : kRoles)
    if (w.spec.reads_socket(r) && w.alive[r] && w.ep.count(r))
      w.endpoint(r).expect(AppEventKind::Ok, w.endpoint(r).set_reading(true));
}

ConnectTo connect_to(World& w) {
  const ConnKey& k = w.key[Role::Client];
  return {k.remote_addr, w.port, k.local_addr, w.client_port, w.spec.socket_options(Role::Client)};
}

void connect(World& w) {
  if (w.spec.program(Role::Client)) {
    start_program(w, Role::Client);
    key_from_client_program(w);
    if (w.accept_id)
      w.endpoint(Role::Server).expect(AppEventKind::Accepted,
                                      w.endpoint(Role::Server).wait_for_answer(*w.accept_id, default_timeout()));
  } else if (w.spec.program(Role::Server)) {
    w.endpoint(Role::Client).connect(connect_to(w));
  } else {
    connect_accepted(w.endpoint(Role::Client), connect_to(w), w.endpoint(Role::Server), *w.accept_id);
  }
  enable_reads(w);
}

// connect() to a host the fault has already hit: its outcome is the case's subject.
void connect_after_fault(World& w) {
  w.endpoint(Role::Client).start_connect(connect_to(w));
  if (w.alive[Role::Client]) enable_reads(w);
}

// The fault must hit a connection the observers have seen established, or a
// sampling observer could report nothing at all for a fast case.
void wait_observed_established(World& w) {
  const auto deadline = Clock::now() + scaled(milliseconds(2000));
  for (Role r : kRoles)
    require_world_within(
        w, [&] { return w.last_state(r) == "ESTABLISHED"; }, deadline,
        "the observer (" + w.obs->name() + ") to see the " + role_name(r) + " side ESTABLISHED before the fault",
        [&] { return w.last_state(r); });
}
}  // namespace

RunStage measure(const CaseSpec& spec, const std::filesystem::path& capture_file, const std::function<void()>& ran_up) {
  RunStage out;
  Measurement& m = out.measurement;
  auto world = std::make_unique<World>(spec);
  World& w = *world;
  {
    auto churn = ChurnGate::process().churn();
    w.topo = std::make_unique<Topology>(topology_options(spec));
  }
  m.machine = environment_facts();
  m.hz = machine_hz();
  read_sysctls(w, m);
  start_capture(w, capture_file, out.capture);
  w.obs = std::make_unique<Observation>(w.port);
  for (Role r : kRoles) w.watch_host(r);
  start_sides(w);

  const auto lateness = WakeupLateness::process().watch();
  RunClock clock;
  std::optional<AtFault> at_fault;
  {
    auto step = ChurnGate::process().step();  // from the connection to the fault, alone
    if (!spec.connect_after_fault) connect(w);
    clock.connected_t = monotonic_ns();
    clock.deadline = Clock::now() + scaled(milliseconds(spec.window_ms)) + milliseconds(spec.fault.after_ms);
    for (const Action& a : spec.before_fault) m.steps.push_back(perform(w, clock, Step{&a, 0}));
    if (spec.fault.after_ms > 0) std::this_thread::sleep_for(milliseconds(spec.fault.after_ms));  // scenario timing
    if (!spec.connect_after_fault) wait_observed_established(w);
    set_neighbours_for_fault(w, m);
    at_fault = snapshot_before_fault(w);
    clock.deadline = Clock::now() + scaled(milliseconds(spec.window_ms));
    clock.fault_t = monotonic_ns();
    spec.fault->inject(w, spec.fault.target);
    m.steps.push_back({"fault", clock.fault_t, clock.fault_t, monotonic_ns(), StepKind::Fault});
  }
  if (ran_up) ran_up();
  m.fault_t_ns = clock.fault_t;
  m.wall_minus_monotonic_ns = realtime_minus_monotonic_ns();
  if (spec.connect_after_fault) {
    m.connect_t_ns = clock.connected_t = monotonic_ns();
    connect_after_fault(w);
  }
  for (const Step& s : after_fault_steps(spec)) {
    m.steps.push_back(perform(w, clock, s));
    if (s.action && s.action->op == Op::Close) m.sides[s.action->role].closed_t_ns = m.steps.back().started_ns;
  }
  m.recovered_t_ns = clock.recovered_t;
  m.peer_there_t_ns = clock.peer_there_t;
  m.peer_there_from_t_ns = clock.peer_there_from_t;
  wait_world_until(w, [&] { return settled(w, m.fault_t_ns); }, clock.deadline);  // unsettled: the judge says what
  m.wakeup_late_max_ns = WakeupLateness::process().max_late_ns(m.fault_t_ns, monotonic_ns());
  collect(w, *at_fault, std::chrono::duration_cast<std::chrono::nanoseconds>(clock.deadline.time_since_epoch()).count(), m);
  collect_neighbour_events(w, m);
  finish_capture(w, out.capture);
  read_capture(out.capture, m);
  auto churn = ChurnGate::process().churn();  // the teardown deletes links
  world.reset();
  return out;
}

}  // namespace crashlab::runner
