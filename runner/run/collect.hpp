#pragma once
#include <map>

#include "runner/run/measurement.hpp"
#include "runner/run/world/world.hpp"

namespace crashlab::runner {

// What only the moment before the fault can tell: which host each side had (to
// count only that host's segments) and its counters, and each live connection's
// TCP_INFO (the RTO and last-received times the model starts from).
struct AtFault {
  std::map<Role, const Host*> host;
  std::map<Role, uint64_t> tx;
  std::map<Role, TcpInfoAtFault> tcp_info;
  std::map<Role, ProgramRecord> program;  // a program side's socket, read before the fault
};
AtFault snapshot_before_fault(World& w);

// Each side's effective sysctls (the model's and any the case sets), read back
// from its namespace into the measurement.
void read_sysctls(World& w, Measurement& m);

// Everything the expectations need has been seen, or only the window's end can tell.
bool settled(World& w, int64_t fault_t);

// States, application events, segments, kernel events and the observer's health.
// The look at each socket's end state, due when the window ends (window_end_ns), is
// a step of the run like the others: one that came late distorts what it saw (a
// TIME_WAIT looked at after its 60 s is gone).
void collect(World& w, const AtFault& at_fault, int64_t window_end_ns, Measurement& m);

}  // namespace crashlab::runner
