#include "runner/run/topology_options.hpp"

namespace crashlab::runner {

TopologyOptions topology_options(const CaseSpec& spec) {
  return {spec.topology, spec.ipv6, [&spec](Role r, Host& h) {
            if (auto it = spec.sysctls.find(r); it != spec.sysctls.end()) h.sysctl().write_all(it->second);
          }};
}

}  // namespace crashlab::runner
