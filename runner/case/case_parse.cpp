#include "runner/case/case_parse.hpp"

#include <algorithm>
#include <array>

#include "netns/wire/tcp_state.hpp"
#include "runner/json/fields.hpp"
#include "runner/case/rules/action_rules.hpp"
#include "runner/case/rules/expect_rules.hpp"
#include "runner/case/rules/program_rules.hpp"
#include "runner/case/roles.hpp"
#include "runner/case/sysctl/sysctl_names.hpp"
#include "runner/faults/registry.hpp"

namespace crashlab::runner {

namespace {
constexpr int64_t kMaxBytes = 64 << 20;

struct OpName {
  Op op;
  std::string_view name;
};
constexpr std::array<OpName, 5> kOps = {
    {{Op::Send, "send"}, {Op::Close, "close"}, {Op::Shutdown, "shutdown"}, {Op::Recv, "recv"}, {Op::Exit, "exit"}}};

const std::set<std::string> kRoleNames = {"server", "client"};

Role role_field(Fields& f, const std::string& key) { return *parse_role(f.string(key, kRoleNames)); }

int state_value(const Fields& f, const std::string& field, const std::string& s) {
  int st = tcp_state_from_name(s);
  if (st < 0) f.fail(field, "'" + s + "' is not a TCP state name (ESTABLISHED, CLOSE_WAIT, ...)");
  return st;
}

Outcome outcome_value(const Fields& f, const std::string& field, const std::string& s) {
  auto o = Outcome::parse(s);
  if (!o) f.fail(field, "'" + s + "' is neither EOF, SENT, DATA nor an errno name");
  return *o;
}

template <class T>
std::vector<T> list_of(Fields& f, const std::string& key, T (*convert)(const Fields&, const std::string&, const std::string&)) {
  const auto* arr = f.opt_array(key);
  std::vector<T> out;
  for (size_t i = 0; i < arr->size(); ++i)
    out.push_back(convert(f, key + "[" + std::to_string(i) + "]", f.string_element(key, i)));
  return out;
}

// "fault", "connected", "detected", "state:NAME", or the fault's recovery step by
// the name its registry row gives it ("rebooted", "healed").
void parse_trigger(Fields& f, const std::string& when, const FaultSpec& fault, Action& a) {
  static const std::map<std::string, Trigger> kPlain = {
      {"fault", Trigger::Fault}, {"connected", Trigger::Connected}, {"detected", Trigger::Detected}};
  if (auto it = kPlain.find(when); it != kPlain.end()) {
    a.when = it->second;
    return;
  }
  if (when.rfind("state:", 0) == 0) {
    a.when = Trigger::State;
    a.state = state_value(f, "when", when.substr(6));
    return;
  }
  std::string recoveries;
  for (const FaultType& t : fault_types()) {
    if (t.recovery_trigger.empty()) continue;
    recoveries += ", " + std::string(t.recovery_trigger);
    if (when != t.recovery_trigger) continue;
    if (t.kind != fault.kind || !fault->recovery_after_ms())
      f.fail("when", "'" + when + "' needs a " + std::string(t.name) + " fault" +
                         (t.kind == FaultKind::Partition ? " with heal_after_ms" : ""));
    a.when = Trigger::Recovered;
    return;
  }
  f.fail("when", "'" + when + "' is not one of: connected, fault, detected" + recoveries + ", state:<TCP state>");
}

Action parse_action(const nlohmann::json& j, const std::string& file, const std::string& path, const FaultSpec& fault) {
  Fields f(j, file, path);
  Action a;
  a.role = role_field(f, "role");
  const std::string op = f.string("do", {"send", "close", "shutdown", "recv", "exit"});
  for (const auto& o : kOps)
    if (o.name == op) a.op = o.op;
  if (a.op == Op::Send) a.bytes = f.integer("bytes", 1, kMaxBytes);
  if (f.has("blocks") && a.op != Op::Send) f.fail("blocks", "only a send blocks");
  a.blocks = f.opt_bool("blocks").value_or(false);
  parse_trigger(f, f.opt_string("when").value_or("fault"), fault, a);
  a.delay_ms = f.opt_integer("delay_ms", 0, kMaxWindowMs).value_or(0);
  f.done();
  return a;
}

std::vector<Action> parse_actions(Fields& f, const std::string& key, const FaultSpec& fault) {
  std::vector<Action> out;
  if (const auto* arr = f.opt_array(key))
    for (size_t i = 0; i < arr->size(); ++i)
      out.push_back(parse_action((*arr)[i], f.file(), f.path(key) + "[" + std::to_string(i) + "]", fault));
  return out;
}

// [min, max] in ms, or "model", or {"model": {"tolerance_pct": 5, "tolerance_ms": 20}}.
void parse_detection_window(Fields& f, SideExpect& e) {
  const nlohmann::json& v = f.raw().at("detected_after_ms");
  if (v == "model") {
    f.opt_string("detected_after_ms");
    e.detected_by_model = ModelTolerance{};
    return;
  }
  if (v.is_object()) {
    Fields w = f.child("detected_after_ms");
    Fields m = w.child("model");
    ModelTolerance t;
    t.tolerance_pct = m.opt_number("tolerance_pct", 0, 100).value_or(t.tolerance_pct);
    t.tolerance_ms = m.opt_integer("tolerance_ms", 0, kMaxWindowMs).value_or(0);
    m.done();
    w.done();
    e.detected_by_model = t;
    return;
  }
  const auto* w = f.opt_array("detected_after_ms");
  if (w->size() != 2 || !(*w)[0].is_number_integer() || !(*w)[1].is_number_integer())
    f.fail("detected_after_ms", "must be [min, max] in ms, \"model\", or {\"model\": {tolerance_pct, tolerance_ms}}");
  int64_t lo = (*w)[0].get<int64_t>(), hi = (*w)[1].get<int64_t>();
  if (lo < 0 || hi < lo || hi > kMaxWindowMs) f.fail("detected_after_ms", "needs 0 <= min <= max <= 30 min");
  e.detected_after_ms = std::make_pair(lo, hi);
}

SideExpect parse_expect(Fields f) {
  SideExpect e;
  if (f.has("states")) e.states = list_of<int>(f, "states", state_value);
  if (f.has("app")) e.app = list_of<Outcome>(f, "app", outcome_value);
  if (f.has("detected_after_ms")) parse_detection_window(f, e);
  if (auto s = f.opt_string("state_at_end"))
    e.state_at_end = *s == "gone" ? SideExpect::kGone : state_value(f, "state_at_end", *s);
  e.sends_nothing = f.opt_bool("sends_nothing");
  f.done();
  return e;
}

FaultSpec parse_fault(Fields& f, const CaseShape& shape) {
  FaultSpec s;
  std::set<std::string> names;
  for (const FaultType& t : fault_types()) names.insert(std::string(t.name));
  const FaultType& type = *find_fault_type(f.string("type", names));
  s.kind = type.kind;
  if (type.on_the_path) {
    if (f.has("target")) f.fail("target", "the " + std::string(type.name) + " fault hits the router, not a host");
  } else {
    s.target = role_field(f, "target");
  }
  s.after_ms = f.opt_integer("after_ms", 0, kMaxWindowMs).value_or(0);
  // Another kind's field is named as such, not as an unknown key.
  for (const FaultType& t : fault_types())
    for (std::string_view k : t.keys)
      if (!k.empty() && t.kind != type.kind && f.has(std::string(k)) &&
          std::find(type.keys.begin(), type.keys.end(), k) == type.keys.end())
        f.fail(std::string(k), "only applies to the " + std::string(t.name) + " fault");
  s.behaviour = type.parse(f, shape);
  return s;
}

template <class F>
void per_role(Fields& f, const std::string& key, F&& each) {
  if (!f.has(key)) return;
  Fields roles = f.child(key);
  for (Role r : kRoles)
    if (roles.has(role_name(r))) each(r, roles.child(role_name(r)));
  roles.done();
}
}  // namespace

const SocketOptions& CaseSpec::socket_options(Role r) const {
  static const SocketOptions kNone;
  auto it = sockets.find(r);
  return it == sockets.end() ? kNone : it->second;
}

SocketOption socket_option_field(const Fields& f, const std::string& field, const std::string& name,
                                 const nlohmann::json& v) {
  SocketOptionCheck c = check_socket_option(name, v);
  if (!c.option) f.fail(field, c.problem);
  return *c.option;
}

CaseSpec parse_one_family(const nlohmann::json& j, const std::string& file, const std::string& name) {
  Fields f(j, file, "");
  CaseSpec c;
  c.name = name;
  c.file = file;
  c.description = f.string("description");
  if (c.description.empty()) f.fail("description", "must say what the case demonstrates");
  const std::string topology = f.opt_string("topology", {"switch", "direct", "router"}).value_or("switch");
  c.topology = topology == "direct"   ? TopologyKind::Direct
               : topology == "router" ? TopologyKind::Router
                                      : TopologyKind::Switch;
  c.ipv6 = f.opt_string("ip", {"ipv4", "ipv6"}).value_or("ipv4") == "ipv6";

  if (f.has("sysctls")) {
    Fields hosts = f.child("sysctls");
    auto each = [&](const std::string& host, std::map<std::string, std::string>& into) {
      if (!hosts.has(host)) return;
      Fields s = hosts.child(host);
      for (const auto& [k, v] : s.all_items().items()) into[k] = sysctl_assignment(s, k, k, v);
    };
    for (Role r : kRoles) each(role_name(r), c.sysctls[r]);
    if (hosts.has("router") && c.topology != TopologyKind::Router)
      hosts.fail("router", "only the router topology has a router");
    each("router", c.router_sysctls);
    hosts.done();
    std::erase_if(c.sysctls, [](const auto& kv) { return kv.second.empty(); });
  }
  per_role(f, "sockets", [&](Role role, Fields s) {
    for (const auto& [k, v] : s.all_items().items()) c.sockets[role].push_back(socket_option_field(s, k, k, v));
  });
  if (f.has("reads")) {
    Fields reads = f.child("reads");
    for (Role r : kRoles)
      if (auto v = reads.opt_bool(role_name(r))) c.reads[r] = *v;
    reads.done();
  }
  per_role(f, "programs", [&](Role role, Fields p) {
    c.programs[role] = parse_program(std::move(p), role == Role::Server ? Readiness::Listening : Readiness::Connected);
  });
  if (f.has("neighbour_at_fault")) {
    Fields n = f.child("neighbour_at_fault");
    for (Role r : kRoles)
      if (auto v = n.opt_string(role_name(r), neighbour_choice_names())) c.neighbours[r] = *parse_neighbour_choice(*v);
    n.done();
  }
  Fields fault = f.child("fault");
  c.fault = parse_fault(fault, CaseShape{c.topology, c.ipv6, &c.router_sysctls});
  fault.done();
  c.before_fault = parse_actions(f, "before_fault", c.fault);
  c.connect_after_fault = f.opt_string("connect", {"before_fault", "after_fault"}).value_or("before_fault") == "after_fault";
  if (c.connect_after_fault && fault_type(c.fault.kind).on_the_path)
    f.fail("connect", "after_fault: a new connection makes a new conntrack entry, so the " +
                          std::string(fault_name(c.fault.kind)) + " fault has nothing to forget");
  if (c.connect_after_fault && c.fault.target != Role::Server)
    f.fail("connect", "after_fault needs the fault to hit the server: the client is the one that connects");
  if (c.connect_after_fault && !c.before_fault.empty())
    f.fail("before_fault", "there is no connection before the fault when connect is after_fault");
  c.after_fault = parse_actions(f, "after_fault", c.fault);
  c.window_ms = f.integer("window_ms", 1, kMaxWindowMs);
  per_role(f, "expect", [&](Role role, Fields e) { c.expect[role] = parse_expect(std::move(e)); });
  if (c.expect.empty()) f.fail("expect", "a case must expect something of at least one side");
  f.done();
  check_action_rules(f, c);
  check_program_rules(f, c);
  check_expect_rules(f, c);
  return c;
}

CaseSpec parse_case(const nlohmann::json& j, const std::string& file, const std::string& name) {
  return parse_case_families(j, file, name).front();
}

}  // namespace crashlab::runner
