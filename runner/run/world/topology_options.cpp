#include "runner/run/world/topology_options.hpp"

namespace crashlab::runner {

TopologyOptions topology_options(const CaseSpec& spec) {
  TopologyOptions o;
  o.kind = spec.topology;
  o.ipv6 = spec.ipv6;
  o.configure = [&spec](Role r, Host& h) {
    if (auto it = spec.sysctls.find(r); it != spec.sysctls.end()) h.sysctl().write_all(it->second);
  };
  if (spec.topology == TopologyKind::Router) {
    o.router.sysctls = spec.router_sysctls;
    spec.fault->shape_router(o.router);
  }
  return o;
}

}  // namespace crashlab::runner
