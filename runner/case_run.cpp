#include "runner/case_run.hpp"

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "netns/clock.hpp"
#include "netns/client/bring_up.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/tcp_state.hpp"
#include "runner/environment.hpp"
#include "runner/expectations.hpp"
#include "runner/faults.hpp"
#include "runner/observation.hpp"
#include "runner/prediction_input.hpp"
#include "runner/result_json.hpp"
#include "runner/timeline.hpp"
#include "runner/world.hpp"

namespace crashlab {

namespace {

// The sysctls every result records, whether or not the case sets them.
const std::vector<std::string> kReportedSysctls = {
    "net.ipv4.tcp_retries1",        "net.ipv4.tcp_retries2",        "net.ipv4.tcp_syn_retries",
    "net.ipv4.tcp_synack_retries",  "net.ipv4.tcp_syn_linear_timeouts", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_orphan_retries",
    "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_rto_min_us",      "net.ipv4.tcp_rto_max_ms",
    "net.ipv4.tcp_early_retrans",   "net.ipv4.neigh.eth0.mcast_solicit", "net.ipv4.neigh.eth0.retrans_time_ms"};

SocketOptions socket_options_of(const CaseSpec& spec, const std::string& role) {
  return spec.sockets.count(role) ? socket_options_from_json(spec.sockets.at(role)) : SocketOptions{};
}

void start_endpoints(World& w) {
  for (const char* role : {"server", "client"})
    w.ep[role] = std::make_unique<EndpointClient>(w.topo->host(role_of(role)).ns(), role);
  std::string saddr = w.topo->address(Role::Server);
  listen_and_accept(w.endpoint("server"), saddr, w.port, socket_options_of(w.spec, "server"));
  w.key["client"] = ConnKey{w.topo->address(Role::Client), w.client_port, saddr, w.port};
  w.key["server"] = w.key["client"].reversed();
}

void enable_reads(World& w) {
  for (const char* role : {"server", "client"}) {
    bool reads = w.spec.reads.count(role) ? w.spec.reads.at(role) : true;
    if (reads && w.alive[role]) w.endpoint(role).expect(AppEventKind::Ok, w.endpoint(role).set_reading(true));
  }
}

ConnectTo connect_to(World& w) {
  return ConnectTo{w.key["client"].remote_addr, w.port, w.key["client"].local_addr, w.client_port,
                   socket_options_of(w.spec, "client")};
}

void connect(World& w) {
  w.endpoint("client").connect(connect_to(w));
  w.endpoint("server").wait_for(AppEventKind::Accepted, default_timeout());
  enable_reads(w);
}

// connect() to a host the fault has already hit: its outcome is the case's subject.
void connect_after_fault(World& w) {
  w.connect_t = monotonic_ns();
  w.endpoint("client").start_connect(connect_to(w));
  if (w.alive["client"]) enable_reads(w);
}

// Waits for an action's trigger, then its delay; every wait ends at the case's window.
void wait_trigger(World& w, const Action& a) {
  int64_t from = monotonic_ns();
  if (a.when == "fault") {
    from = w.fault_t;
  } else if (a.when == "healed" || a.when == "rebooted") {
    from = w.recovered_t.value_or(from);
  } else if (a.when == "detected") {
    auto e = w.endpoint(a.role).wait_for(
        [&](const AppEvent& e) { return is_detection(e) && e.t_ns >= w.fault_t; },
        "the application to see the fault (EOF or an error) before '" + a.op + "'",
        milliseconds(poll_budget_ms(w.deadline)));
    from = e.t_ns;
  } else if (a.when.rfind("state:", 0) == 0) {
    std::string want = a.when.substr(6);
    require_within([&] { return w.last_state(a.role) == want; }, w.deadline,
                   a.role + " socket to reach " + want + " before '" + a.op + "'",
                   [&] { return w.last_state(a.role); });
    from = monotonic_ns();
  }
  int64_t wait_ns = from + a.delay_ms * 1000000 - monotonic_ns();
  if (wait_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));  // scenario timing, not a wait
}

void perform(World& w, const Action& a) {
  wait_trigger(w, a);
  if (a.op == "recover") return recover(w);
  EndpointClient& ep = w.endpoint(a.role);
  milliseconds t = default_timeout();
  // Each returns its answer or the error it met; the outcome is judged from the events.
  if (a.op == "send")
    ep.send(a.bytes, t);
  else if (a.op == "close")
    ep.close(t);
  else if (a.op == "shutdown")
    ep.shutdown(ShutdownHow::Write, t);
  else if (a.op == "recv")
    ep.set_reading(true, t);
  else if (a.op == "exit") {
    ep.exit();
    ep.process().wait_exit(t);
  }
}

// The fault must hit a connection the observers have seen established, or a
// sampling observer could report nothing at all for a fast case.
void wait_observed_established(World& w) {
  const auto deadline = Clock::now() + scaled(milliseconds(2000));
  for (const std::string role : {"server", "client"})
    require_within([&] { return w.last_state(role) == "ESTABLISHED"; }, deadline,
                   "the observer (" + w.obs->name() + ") to see the " + role + " side ESTABLISHED before the fault",
                   [&] { return w.last_state(role); });
}

// Everything the expectations need has been seen, or only the window's end can tell.
bool settled(World& w) {
  for (const auto& [role, e] : w.spec.expect) {
    if (e.state_at_end || e.sends_nothing) return false;
    if (e.states && w.last_state(role) != e.states->back()) return false;
    if (e.app && w.outcomes_after_fault(role).size() < e.app->size()) return false;
    if ((e.detected_after_ms || e.detected_by_model) && !w.detection(role)) return false;
  }
  return true;
}


// The after-fault actions with the fault's second step (reboot, heal) placed
// where its time puts it: after every action due earlier from the fault itself.
std::vector<Action> after_fault_steps(const CaseSpec& spec) {
  std::vector<Action> steps = spec.after_fault;
  auto at = spec.fault.recovery_after_ms();
  if (!at) return steps;
  auto pos = std::find_if(steps.begin(), steps.end(),
                          [&](const Action& a) { return !(a.when == "fault" && a.delay_ms <= *at); });
  steps.insert(pos, Action{"", "recover", 0, "fault", *at});
  return steps;
}

// TCP_INFO of every live connection just before the fault: the RTO and the
// last-received times the model starts from.
void record_tcp_info(World& w) {
  for (const char* role : {"server", "client"}) {
    if (w.spec.connect_after_fault) continue;
    if (auto info = w.endpoint(role).tcp_info()) w.tcp_info_at_fault[role] = *info;
  }
}

SideResult collect_side(World& w, const std::string& role) {
  SideResult r;
  r.key = w.key[role];
  r.alive = w.alive[role];
  auto states = w.obs->states(r.key);
  auto first = w.spec.connect_after_fault
                   ? states.begin()
                   : std::find_if(states.begin(), states.end(), [](const StateAt& s) {
                       return s.state == tcp_state_from_name("ESTABLISHED");
                     });
  r.states.assign(first, states.end());
  for (const AppEvent& e : w.outcomes_after_fault(role)) {
    std::string o = outcome_name(e);
    if (r.app.empty() || r.app.back() != o || o == "SENT") r.app.push_back(o);
  }
  if (auto d = w.detection(role)) {
    r.error = outcome_name(*d);
    r.detected_after_ms = double(d->t_ns - w.fault_t) / 1e6;
  }
  r.state_at_end = w.obs->current_state(r.key);
  Role rr = role_of(role);
  if (w.host_at_fault.count(role) && w.topo->has_host(rr) && &w.topo->host(rr) == w.host_at_fault[role])
    r.segments_sent_after_fault = int64_t(w.topo->host(rr).tcp_segments_sent() - w.tx_at_fault[role]);
  return r;
}

void record_environment(World& w, CaseResult& res) {
  res.machine = environment_facts();
  res.kernel = res.machine["kernel"].get<std::string>();
  for (const char* role : {"server", "client"}) {
    std::vector<std::string> names = kReportedSysctls;
    if (w.spec.sysctls.count(role))
      for (const auto& [k, v] : w.spec.sysctls.at(role)) names.push_back(k);
    res.sysctls[role] = w.topo->host(role_of(role)).sysctl().read_all(names);
  }
}

// Always captured where it can be, so a failed case keeps its packets; a passed
// one keeps them only with --pcap. Switch: on the bridge, which sees both
// directions and outlives a crashed host. Direct: on the survivor's eth0.
void start_capture(World& w, CaseResult& res, const RunOptions& opts) {
  const NetNs* ns = w.topo->switch_ns();
  std::string iface = "br0";
  if (!ns) {
    ns = &w.topo->host(w.spec.fault.target == "server" ? Role::Client : Role::Server).ns();
    iface = Host::kIfname;
  }
  auto file = std::filesystem::path(opts.out_dir) / (res.basename + ".pcap");
  try {
    std::filesystem::create_directories(opts.out_dir);
    w.capture = std::make_unique<PacketCapture>(*ns, iface, "tcp port " + std::to_string(w.port) + " or arp or icmp or icmp6",
                                                std::filesystem::absolute(file));
  } catch (const std::exception& e) {
    res.pcap_note = std::string("no capture: ") + e.what();
  }
}

void finish_capture(World& w, CaseResult& res, const RunOptions& opts) {
  if (!w.capture) return;
  try {
    w.capture->stop();
    if (w.capture->missed()) res.pcap_note = std::to_string(w.capture->missed()) + " packets not captured";
  } catch (const std::exception& e) {
    res.pcap_note = std::string("capture ended early: ") + e.what();
  }
  if (opts.pcap || res.verdict != "pass")
    res.pcap = w.capture->file().string();
  else
    w.capture->discard();
}
}  // namespace

uint16_t allocate_port() {
  static std::atomic<uint32_t> next{20000 + std::random_device{}() % 30000};
  return uint16_t(20000 + (next++ - 20000) % 30000);
}

CaseResult run_case(const CaseSpec& spec, const RunOptions& opts) {
  CaseResult res;
  res.basename = result_basename(spec.name);
  res.name = spec.name;
  res.file = spec.file;
  res.description = spec.description;
  res.fault_type = spec.fault.type;
  res.fault_target = spec.fault.target;
  res.started_t_ns = monotonic_ns();
  try {
    World w(spec);
    w.topo = std::make_unique<Topology>(TopologyOptions{spec.topology, spec.ipv6});
    for (const auto& [role, values] : spec.sysctls) w.topo->host(role_of(role)).sysctl().write_all(values);
    record_environment(w, res);
    start_capture(w, res, opts);
    w.obs = std::make_unique<Observation>(w.port);
    res.observer = w.obs->name();
    res.observer_resolution = w.obs->resolution();
    res.observer_note = w.obs->note();
    for (Role r : {Role::Server, Role::Client}) w.obs->watch(w.topo->host(r).ns());
    start_endpoints(w);
    if (!spec.connect_after_fault) connect(w);
    w.deadline = Clock::now() + scaled(milliseconds(spec.window_ms)) + milliseconds(spec.fault.after_ms);
    for (const Action& a : spec.before_fault) perform(w, a);
    if (spec.fault.after_ms > 0) std::this_thread::sleep_for(milliseconds(spec.fault.after_ms));  // scenario timing
    if (!spec.connect_after_fault) wait_observed_established(w);
    record_tcp_info(w);
    w.deadline = Clock::now() + scaled(milliseconds(spec.window_ms));
    inject(w);
    res.fault_t_ns = w.fault_t;
    if (spec.connect_after_fault) connect_after_fault(w);
    for (const Action& a : after_fault_steps(spec)) perform(w, a);
    sample_until([&] { return settled(w); }, w.deadline, milliseconds(2));  // unsettled: the judge says what
    for (const char* role : {"server", "client"}) res.sides[role] = collect_side(w, role);
    res.recovered_t_ns = w.recovered_t;
    for (const char* role : {"server", "client"})
      if (auto in = prediction_input(w, res, role)) res.sides[role].predicted = predict_side(*in);
    res.kernel_timeline = w.obs->kernel_timeline();
    std::map<std::string, std::vector<AppEvent>> app;
    for (const char* role : {"server", "client"}) app[role] = w.outcomes_after_fault(role);
    build_timeline(res, w.obs->kernel_events(), app);
    res.observer_note = w.obs->note();
    res.kernel_events_lost = w.obs->lost_events();
    judge(spec, w.obs->exact(), res);
    finish_capture(w, res, opts);
  } catch (const std::exception& e) {
    res.verdict = "error";
    res.error = e.what();
  }
  res.duration_ms = double(monotonic_ns() - res.started_t_ns) / 1e6;
  return res;
}

}  // namespace crashlab
