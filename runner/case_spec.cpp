#include "runner/case_spec.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "netns/endpoint/socket_options.hpp"
#include "netns/errors.hpp"
#include "netns/host.hpp"
#include "netns/sysctl.hpp"
#include "netns/tcp_state.hpp"
#include "runner/json_fields.hpp"

namespace fs = std::filesystem;

namespace crashlab {

namespace {
const std::set<std::string> kRoles = {"server", "client"};
const std::set<std::string> kFaults = {"process-crash", "process-exit", "host-crash", "host-reboot",
                                       "link-drop",     "partition",    "freeze"};
const std::set<std::string> kOps = {"send", "close", "shutdown", "recv", "exit"};
constexpr int64_t kMaxWindowMs = 30 * 60 * 1000;  // a case that needs longer is a mistake
constexpr int64_t kMaxBytes = 64 << 20;

void check_state(const Fields& f, const std::string& field, const std::string& s) {
  if (tcp_state_from_name(s) < 0) f.fail(field, "'" + s + "' is not a TCP state name (ESTABLISHED, CLOSE_WAIT, ...)");
}

void check_outcome(const Fields& f, const std::string& field, const std::string& s) {
  if (s != "EOF" && s != "SENT" && s != "DATA" && errno_from_name(s) < 0)
    f.fail(field, "'" + s + "' is neither EOF, SENT, DATA nor an errno name");
}

std::vector<std::string> strings(Fields& f, const std::string& key,
                                 void (*check)(const Fields&, const std::string&, const std::string&)) {
  const auto* arr = f.opt_array(key);
  std::vector<std::string> out;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string field = key + "[" + std::to_string(i) + "]";
    if (!(*arr)[i].is_string()) f.fail(field, "must be a string");
    out.push_back((*arr)[i].get<std::string>());
    check(f, field, out.back());
  }
  return out;
}

// Every test host's interface is eth0, which the runner's own namespace need not
// have: per-interface names are checked against the kernel's "default" entry.
std::string interface_neutral(const std::string& name) {
  std::string out = name;
  for (const char* family : {"net.ipv4.conf.", "net.ipv4.neigh.", "net.ipv6.conf.", "net.ipv6.neigh."}) {
    std::string prefix = std::string(family) + Host::kIfname + ".";
    if (out.rfind(prefix, 0) == 0) out = std::string(family) + "default." + out.substr(prefix.size());
  }
  return out;
}

void check_sysctl(const Fields& f, const std::string& field, const std::string& name) {
  // Only per-namespace settings: anything outside net.* would change the host itself.
  if (name.rfind("net.", 0) != 0) f.fail(field, "only net.* sysctls are per network namespace");
  std::string path;
  try {
    path = Sysctl::path_of(interface_neutral(name));
  } catch (const std::exception& e) {
    f.fail(field, e.what());
  }
  if (::access(path.c_str(), F_OK) != 0) f.fail(field, "no such sysctl on this kernel (" + path + ")");
}

std::string scalar_text(const Fields& f, const std::string& field, const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_string()) return v.get<std::string>();
  f.fail(field, "must be an integer or a string, got " + v.dump());
}

void check_socket_option(const Fields& f, const std::string& field, const std::string& name, const nlohmann::json& v) {
  if (!is_known_socket_option(name)) f.fail(field, "unknown socket option");
  if (!v.is_number_integer() && !v.is_boolean()) f.fail(field, "must be an integer or a boolean, got " + v.dump());
  if (v.is_number_integer() && (v.get<int64_t>() < -1 || v.get<int64_t>() > (int64_t(1) << 31)))
    f.fail(field, "value out of range");
}

Action parse_action(const nlohmann::json& j, const std::string& file, const std::string& path) {
  Fields f(j, file, path);
  Action a;
  a.role = f.string("role", kRoles);
  a.op = f.string("do", kOps);
  if (a.op == "send") a.bytes = f.integer("bytes", 1, kMaxBytes);
  a.when = f.opt_string("when").value_or("fault");
  if (a.when.rfind("state:", 0) == 0)
    check_state(f, "when", a.when.substr(6));
  else if (!std::set<std::string>{"fault", "detected", "connected", "healed", "rebooted"}.count(a.when))
    f.fail("when", "'" + a.when + "' is not one of: connected, fault, detected, healed, rebooted, state:<TCP state>");
  a.delay_ms = f.opt_integer("delay_ms", 0, kMaxWindowMs).value_or(0);
  f.done();
  return a;
}

std::vector<Action> parse_actions(Fields& f, const std::string& key) {
  std::vector<Action> out;
  if (const auto* arr = f.opt_array(key))
    for (size_t i = 0; i < arr->size(); ++i)
      out.push_back(parse_action((*arr)[i], f.file(), f.path(key) + "[" + std::to_string(i) + "]"));
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
  if (f.has("states")) e.states = strings(f, "states", check_state);
  if (f.has("app")) e.app = strings(f, "app", check_outcome);
  if (f.has("detected_after_ms")) parse_detection_window(f, e);
  if (auto s = f.opt_string("state_at_end")) {
    check_state(f, "state_at_end", *s);
    e.state_at_end = s;
  }
  e.sends_nothing = f.opt_bool("sends_nothing");
  f.done();
  return e;
}

FaultSpec parse_fault(Fields& f, const CaseSpec& c) {
  FaultSpec s;
  s.type = f.string("type", kFaults);
  s.target = f.string("target", kRoles);
  s.after_ms = f.opt_integer("after_ms", 0, kMaxWindowMs).value_or(0);
  auto only_for = [&](const std::string& key, const std::string& type) {
    if (f.has(key) && s.type != type) f.fail(key, "only applies to the " + type + " fault");
  };
  for (const char* k : {"reboot_after_ms", "new_mac", "listener", "gratuitous_arp"}) only_for(k, "host-reboot");
  for (const char* k : {"drop", "heal_after_ms"}) only_for(k, "partition");
  if (s.type == "host-reboot") {
    s.reboot_after_ms = f.integer("reboot_after_ms", 0, kMaxWindowMs);
    s.new_mac = f.opt_bool("new_mac").value_or(false);
    s.listener = f.opt_bool("listener").value_or(false);
    s.gratuitous_arp = f.opt_bool("gratuitous_arp").value_or(false);
    if (s.gratuitous_arp && c.ipv6) f.fail("gratuitous_arp", "is IPv4 only");
  }
  if (s.type == "partition") {
    s.drop = f.opt_string("drop", {"all", "tcp"}).value_or("all");
    s.heal_after_ms = f.opt_integer("heal_after_ms", 0, kMaxWindowMs);
  }
  if ((s.type == "host-reboot" || s.type == "partition") && c.topology != TopologyKind::Switch)
    f.fail("type", s.type + " needs the switch topology");
  return s;
}

template <class F>
void per_role(Fields& f, const std::string& key, F&& each) {
  if (!f.has(key)) return;
  Fields roles = f.child(key);
  for (const auto& role : kRoles)
    if (roles.has(role)) each(role, roles.child(role));
  roles.done();
}
}  // namespace

CaseSpec parse_case(const nlohmann::json& j, const std::string& file, const std::string& name) {
  Fields f(j, file, "");
  CaseSpec c;
  c.name = name;
  c.file = file;
  c.description = f.string("description");
  if (c.description.empty()) f.fail("description", "must say what the case demonstrates");
  c.topology = f.opt_string("topology", {"switch", "direct"}).value_or("switch") == "direct" ? TopologyKind::Direct
                                                                                              : TopologyKind::Switch;
  c.ipv6 = f.opt_string("ip", {"ipv4", "ipv6"}).value_or("ipv4") == "ipv6";

  per_role(f, "sysctls", [&](const std::string& role, Fields s) {
    for (const auto& [k, v] : s.all_items().items()) {
      check_sysctl(s, k, k);
      c.sysctls[role][k] = scalar_text(s, k, v);
    }
  });
  per_role(f, "sockets", [&](const std::string& role, Fields s) {
    for (const auto& [k, v] : s.all_items().items()) check_socket_option(s, k, k, v);
    c.sockets[role] = s.raw();
  });
  if (f.has("reads")) {
    Fields reads = f.child("reads");
    for (const auto& role : kRoles)
      if (auto r = reads.opt_bool(role)) c.reads[role] = *r;
    reads.done();
  }
  c.before_fault = parse_actions(f, "before_fault");

  c.connect_after_fault = f.opt_string("connect", {"before_fault", "after_fault"}).value_or("before_fault") == "after_fault";
  Fields fault = f.child("fault");
  c.fault = parse_fault(fault, c);
  fault.done();
  if (c.connect_after_fault && c.fault.target != "server")
    f.fail("connect", "after_fault needs the fault to hit the server: the client is the one that connects");
  if (c.connect_after_fault && !c.before_fault.empty())
    f.fail("before_fault", "there is no connection before the fault when connect is after_fault");
  c.after_fault = parse_actions(f, "after_fault");
  for (size_t i = 0; i < c.after_fault.size(); ++i) {
    const std::string& when = c.after_fault[i].when;
    std::string field = "after_fault[" + std::to_string(i) + "].when";
    if (when == "healed" && !(c.fault.type == "partition" && c.fault.heal_after_ms))
      f.fail(field, "'healed' needs a partition fault with heal_after_ms");
    if (when == "rebooted" && c.fault.type != "host-reboot") f.fail(field, "'rebooted' needs a host-reboot fault");
  }
  c.window_ms = f.integer("window_ms", 1, kMaxWindowMs);
  per_role(f, "expect", [&](const std::string& role, Fields e) { c.expect[role] = parse_expect(std::move(e)); });
  if (c.expect.empty()) f.fail("expect", "a case must expect something of at least one side");
  f.done();
  return c;
}

std::string case_name_for(const std::string& file) {
  fs::path p = fs::path(file).lexically_normal();
  fs::path rel;
  for (const auto& part : p) rel = part == "cases" ? fs::path() : rel / part;
  if (rel == p || rel.empty()) rel = p.filename();
  rel.replace_extension();
  return rel.generic_string();
}

CaseSpec load_case(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CaseError(path + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw CaseError(path + ": not valid JSON: " + e.what());
  }
  return parse_case(j, path, case_name_for(path));
}

std::vector<std::string> find_case_files(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CaseError(path + ": no such file or folder");
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(path))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

void apply_override(CaseSpec& spec, const std::string& assignment) {
  auto eq = assignment.find('=');
  auto dot1 = assignment.find('.');
  auto dot2 = dot1 == std::string::npos ? dot1 : assignment.find('.', dot1 + 1);
  if (eq == std::string::npos || dot2 == std::string::npos || dot2 > eq)
    throw CaseError("--set " + assignment + ": expected ROLE.sysctl.NAME=VALUE or ROLE.socket.OPTION=VALUE");
  std::string role = assignment.substr(0, dot1), kind = assignment.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string name = assignment.substr(dot2 + 1, eq - dot2 - 1), value = assignment.substr(eq + 1);
  std::vector<std::string> roles;
  if (role == "all")
    roles = {"server", "client"};
  else if (kRoles.count(role))
    roles = {role};
  else
    throw CaseError("--set " + assignment + ": role '" + role + "' is not server, client or all");
  nlohmann::json probe = {{name, value}};
  Fields f(probe, "--set " + assignment, "");
  for (const auto& r : roles) {
    if (kind == "sysctl") {
      check_sysctl(f, name, name);
      spec.sysctls[r][name] = value;
    } else if (kind == "socket") {
      nlohmann::json v;
      try {
        v = nlohmann::json::parse(value);
      } catch (...) {
        f.fail(name, "value '" + value + "' is not a number or boolean");
      }
      check_socket_option(f, name, name, v);
      spec.sockets[r][name] = v;
    } else {
      throw CaseError("--set " + assignment + ": '" + kind + "' is neither sysctl nor socket");
    }
  }
}

}  // namespace crashlab
