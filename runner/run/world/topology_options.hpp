#pragma once
#include "netns/topology/topology.hpp"
#include "runner/case/case_spec.hpp"

namespace crashlab::runner {

// The case's world: its topology and address family, and each host's sysctls
// (the case's and --set's), written before the host's link comes up, both when
// the topology is built and when a host boots again after a reboot: one call for
// both. `spec` must outlive the topology.
TopologyOptions topology_options(const CaseSpec& spec);

}  // namespace crashlab::runner
