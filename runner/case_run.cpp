#include "runner/case_run.hpp"

#include <atomic>
#include <random>
#include <thread>

#include "netns/clock.hpp"
#include "netns/endpoint.hpp"
#include "netns/tcp_state.hpp"
#include "runner/environment.hpp"
#include "runner/expectations.hpp"
#include "runner/observation.hpp"

namespace crashlab {

namespace {
using Json = nlohmann::json;

// The sysctls every result records, whether or not the case sets them.
const std::vector<std::string> kReportedSysctls = {
    "net.ipv4.tcp_retries1",        "net.ipv4.tcp_retries2",        "net.ipv4.tcp_syn_retries",
    "net.ipv4.tcp_synack_retries",  "net.ipv4.tcp_syn_linear_timeouts", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_orphan_retries",
    "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_rto_min_us",      "net.ipv4.tcp_rto_max_ms"};

Role role_of(const std::string& r) { return r == "server" ? Role::Server : Role::Client; }

bool is_outcome(const Json& e) {
  const std::string ev = e.value("event", "");
  return ev == "eof" || ev == "error";
}

std::string outcome_name(const Json& e) { return e.value("event", "") == "eof" ? "EOF" : e.value("errno", "?"); }

// Everything one case owns. Members are destroyed bottom-up: the endpoints die
// first, the observers stop, and the namespaces go last.
struct World {
  const CaseSpec& spec;
  uint16_t port = allocate_port();
  std::unique_ptr<Topology> topo;
  std::unique_ptr<Observation> obs;
  std::map<std::string, std::unique_ptr<Endpoint>> ep;
  std::map<std::string, ConnKey> key;
  std::map<std::string, bool> alive = {{"server", true}, {"client", true}};
  std::map<std::string, uint64_t> tx_at_fault;
  int64_t fault_t = 0;
  Clock::time_point deadline{};

  explicit World(const CaseSpec& s) : spec(s) {}

  Endpoint& endpoint(const std::string& role) { return *ep.at(role); }

  std::vector<Json> outcomes_after_fault(const std::string& role) {
    std::vector<Json> out;
    if (!ep.count(role)) return out;
    for (const Json& e : ep[role]->events())
      if (e.value("t", int64_t(0)) >= fault_t && (is_outcome(e) || e.value("event", "") == "sent")) out.push_back(e);
    return out;
  }

  std::optional<Json> detection(const std::string& role) {
    for (const Json& e : outcomes_after_fault(role))
      if (is_outcome(e)) return e;
    return std::nullopt;
  }

  std::string last_state(const std::string& role) {
    auto s = obs->states(key[role]);
    return s.empty() ? "" : tcp_state_name(s.back().state);
  }
};

void connect(World& w) {
  const CaseSpec& s = w.spec;
  for (const char* role : {"server", "client"}) {
    w.ep[role] = std::make_unique<Endpoint>(w.topo->host(role_of(role)).ns(), role);
  }
  Json sopts = s.sockets.count("server") ? s.sockets.at("server") : Json::object();
  Json copts = s.sockets.count("client") ? s.sockets.at("client") : Json::object();
  std::string saddr = w.topo->address(Role::Server);
  w.endpoint("server").request({{"cmd", "listen"}, {"addr", saddr}, {"port", w.port}, {"opts", sopts}}, "listening");
  w.endpoint("server").command({{"cmd", "accept"}});
  auto c = w.endpoint("client").request({{"cmd", "connect"}, {"addr", saddr}, {"port", w.port}, {"opts", copts}},
                                        "connected", scaled(milliseconds(5000)));
  w.endpoint("server").wait_for_event("accepted", scaled(milliseconds(5000)));
  auto [la, lp] = split_endpoint(c.at("local").get<std::string>());
  auto [ra, rp] = split_endpoint(c.at("peer").get<std::string>());
  w.key["client"] = ConnKey{la, lp, ra, rp};
  w.key["server"] = w.key["client"].reversed();
  for (const char* role : {"server", "client"}) {
    bool reads = s.reads.count(role) ? s.reads.at(role) : true;
    if (reads) w.endpoint(role).request({{"cmd", "recv"}}, "ok");
  }
}

// Waits for an action's trigger; every wait ends at the case's window.
void wait_trigger(World& w, const Action& a) {
  if (a.when == "detected") {
    w.endpoint(a.role).wait_for(
        [&](const Json& e) { return is_outcome(e) && e.value("t", int64_t(0)) >= w.fault_t; },
        "the application to see the fault (EOF or an error) before '" + a.op + "'",
        milliseconds(poll_budget_ms(w.deadline)));
  } else if (a.when.rfind("state:", 0) == 0) {
    std::string want = a.when.substr(6);
    require_within([&] { return w.last_state(a.role) == want; }, w.deadline,
                   a.role + " socket to reach " + want + " before '" + a.op + "'",
                   [&] { return w.last_state(a.role); });
  }
  if (a.delay_ms > 0) std::this_thread::sleep_for(milliseconds(a.delay_ms));  // scenario timing, not a wait
}

void perform(World& w, const Action& a) {
  wait_trigger(w, a);
  Endpoint& ep = w.endpoint(a.role);
  milliseconds t = scaled(milliseconds(5000));
  if (a.op == "send")
    ep.ask({{"cmd", "send"}, {"bytes", a.bytes}}, t);
  else if (a.op == "close")
    ep.ask({{"cmd", "close"}}, t);
  else if (a.op == "shutdown")
    ep.ask({{"cmd", "shutdown"}, {"how", "wr"}}, t);
  else if (a.op == "recv")
    ep.ask({{"cmd", "recv"}}, t);
  else if (a.op == "exit") {
    ep.command({{"cmd", "exit"}});
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

void inject(World& w) {
  const FaultSpec& f = w.spec.fault;
  Role target = role_of(f.target);
  for (const char* role : {"server", "client"})
    if (w.topo->has_host(role_of(role))) w.tx_at_fault[role] = w.topo->host(role_of(role)).tcp_segments_sent();
  w.fault_t = monotonic_ns();
  if (f.type == "process-crash") {
    w.endpoint(f.target).process().signal(SIGKILL);
    w.endpoint(f.target).process().wait_exit(scaled(milliseconds(5000)));
    w.alive[f.target] = false;
  } else if (f.type == "process-exit") {
    w.endpoint(f.target).command({{"cmd", "exit"}});
    w.endpoint(f.target).process().wait_exit(scaled(milliseconds(5000)));
    w.alive[f.target] = false;
  } else if (f.type == "host-crash") {
    w.obs->unwatch(w.topo->host(target).ns());
    w.topo->crash_host(target);
    w.alive[f.target] = false;
  } else if (f.type == "link-drop") {
    if (w.topo->kind() == TopologyKind::Direct)
      w.topo->set_host_link(target, false);
    else
      w.topo->set_peer_side(target, false);
  } else if (f.type == "freeze") {
    w.endpoint(f.target).process().signal(SIGSTOP);
  }
}

// Everything the expectations need has been seen, or only the window's end can tell.
bool settled(World& w) {
  for (const auto& [role, e] : w.spec.expect) {
    if (e.state_at_end || e.sends_nothing) return false;
    if (e.states && w.last_state(role) != e.states->back()) return false;
    if (e.app && w.outcomes_after_fault(role).size() < e.app->size()) return false;
    if (e.detected_after_ms && !w.detection(role)) return false;
  }
  return true;
}


SideResult collect_side(World& w, const std::string& role) {
  SideResult r;
  r.key = w.key[role];
  r.alive = w.alive[role];
  auto states = w.obs->states(r.key);
  auto est = std::find_if(states.begin(), states.end(),
                          [](const StateAt& s) { return s.state == tcp_state_from_name("ESTABLISHED"); });
  r.states.assign(est, states.end());
  for (const Json& e : w.outcomes_after_fault(role)) {
    std::string o = e.value("event", "") == "sent" ? "SENT" : outcome_name(e);
    if (r.app.empty() || r.app.back() != o || o == "SENT") r.app.push_back(o);
  }
  if (auto d = w.detection(role)) {
    r.error = outcome_name(*d);
    r.detected_after_ms = double(d->value("t", int64_t(0)) - w.fault_t) / 1e6;
  }
  r.state_at_end = w.obs->current_state(r.key);
  Role rr = role_of(role);
  if (w.topo->has_host(rr) && w.tx_at_fault.count(role))
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
}  // namespace

uint16_t allocate_port() {
  static std::atomic<uint32_t> next{20000 + std::random_device{}() % 30000};
  return uint16_t(20000 + (next++ - 20000) % 30000);
}

CaseResult run_case(const CaseSpec& spec) {
  CaseResult res;
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
    w.obs = std::make_unique<Observation>(w.port);
    res.observer = w.obs->name();
    res.observer_resolution = w.obs->resolution();
    res.observer_note = w.obs->note();
    for (Role r : {Role::Server, Role::Client}) w.obs->watch(w.topo->host(r).ns());
    connect(w);
    w.deadline = Clock::now() + scaled(milliseconds(spec.window_ms)) + milliseconds(spec.fault.after_ms);
    for (const Action& a : spec.before_fault) perform(w, a);
    if (spec.fault.after_ms > 0) std::this_thread::sleep_for(milliseconds(spec.fault.after_ms));  // scenario timing
    wait_observed_established(w);
    w.deadline = Clock::now() + scaled(milliseconds(spec.window_ms));
    inject(w);
    res.fault_t_ns = w.fault_t;
    for (const Action& a : spec.after_fault) perform(w, a);
    sample_until([&] { return settled(w); }, w.deadline, milliseconds(2));  // unsettled: the judge says what
    for (const char* role : {"server", "client"}) res.sides[role] = collect_side(w, role);
    res.kernel_timeline = w.obs->kernel_timeline();
    res.observer_note = w.obs->note();
    res.kernel_events_lost = w.obs->lost_events();
    judge(spec, w.obs->exact(), res);
  } catch (const std::exception& e) {
    res.verdict = "error";
    res.error = e.what();
  }
  res.duration_ms = double(monotonic_ns() - res.started_t_ns) / 1e6;
  return res;
}

}  // namespace crashlab
