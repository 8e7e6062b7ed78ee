#include "runner/case/overrides.hpp"

#include <algorithm>

#include "runner/case/case_parse.hpp"
#include "runner/case/roles.hpp"
#include "runner/case/sysctl/sysctl_names.hpp"
#include "runner/faults/registry.hpp"
#include "runner/json/strict_json.hpp"

namespace crashlab::runner {

void apply_override(CaseSpec& spec, const std::string& assignment) {
  const std::string shown = "--set " + Fields::clipped(assignment, 120);
  auto eq = assignment.find('=');
  auto dot1 = assignment.find('.');
  auto dot2 = dot1 == std::string::npos ? dot1 : assignment.find('.', dot1 + 1);
  if (eq == std::string::npos || dot2 == std::string::npos || dot2 > eq)
    throw CaseError(shown + ": expected ROLE.sysctl.NAME=VALUE, ROLE.socket.OPTION=VALUE or router.sysctl.NAME=VALUE");
  std::string role = assignment.substr(0, dot1), kind = assignment.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string name = assignment.substr(dot2 + 1, eq - dot2 - 1), value = assignment.substr(eq + 1);
  nlohmann::json probe = {{name, value}};
  Fields f(probe, shown, "");
  if (role == "router") {
    if (spec.topology != TopologyKind::Router) throw CaseError(shown + ": only the router topology has a router");
    if (kind != "sysctl") throw CaseError(shown + ": the router takes sysctls only");
    RouterOptions by_fault;
    spec.fault->shape_router(by_fault);
    if (by_fault.sysctls.count(name))
      throw CaseError(shown + ": the " + std::string(fault_name(spec.fault.kind)) + " fault sets " + name +
                      " (its own field): change that in the case instead");
    spec.router_sysctls[name] = sysctl_assignment(f, name, name, value);
    spec.overrides.push_back(assignment);
    return;
  }
  std::vector<Role> roles;
  if (role == "all")
    roles = {kRoles.begin(), kRoles.end()};
  else if (auto r = parse_role(role))
    roles = {*r};
  else
    throw CaseError(shown + ": role '" + Fields::clipped(role, 40) + "' is not server, client, all or router");
  for (Role r : roles) {
    if (kind == "sysctl") {
      spec.sysctls[r][name] = sysctl_assignment(f, name, name, value);
    } else if (kind == "socket") {
      if (spec.program(r))
        f.fail(name, std::string("the ") + role_name(r) + " is a program: it sets its own socket options (crashlab reads them)");
      nlohmann::json v;
      try {
        v = parse_strict_json(value, "");
      } catch (const InputError&) {
        f.fail(name, "value '" + Fields::clipped(value, 40) + "' is not a number or boolean");
      }
      SocketOption o = socket_option_field(f, name, name, v);
      auto& opts = spec.sockets[r];
      auto same = std::find_if(opts.begin(), opts.end(), [&](const SocketOption& x) { return x.name == o.name; });
      if (same != opts.end())
        *same = o;  // keeps its place: options are applied in order
      else
        opts.push_back(o);
    } else {
      throw CaseError(shown + ": '" + Fields::clipped(kind, 40) + "' is neither sysctl nor socket");
    }
  }
  spec.overrides.push_back(assignment);
}

}  // namespace crashlab::runner
