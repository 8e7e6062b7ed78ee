#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "netns/endpoint/socket_options.hpp"
#include "netns/topology/topology.hpp"
#include "runner/case/neighbour_choice.hpp"
#include "runner/case/outcome.hpp"
#include "runner/case/program_spec.hpp"
#include "runner/faults/fault.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// One scenario, as a case file states it (docs/case-format.md), typed. Strings
// stay at the JSON edge (case_parse.cpp, result_json.cpp).

// "detected_after_ms": "model": the window is the model's prediction for this
// side, widened by the larger of tolerance_pct of it, tolerance_ms and one timer
// tick; CRASHLAB_TIME_SCALE scales the tolerance.
struct ModelTolerance {
  double tolerance_pct = 5;
  int64_t tolerance_ms = 0;
};

struct SideExpect {
  static constexpr int kGone = -1;  // state_at_end "gone": the socket no longer exists
  std::optional<std::vector<int>> states;        // ordered TCP states from the connection's first on
  std::optional<std::vector<Outcome>> app;       // what the application saw after the fault
  std::optional<std::pair<int64_t, int64_t>> detected_after_ms;  // window for the first EOF/error
  std::optional<ModelTolerance> detected_by_model;               // ... or the model's prediction
  std::optional<int> state_at_end;               // still in this state when the window closes (kGone: no socket)
  std::optional<bool> sends_nothing;             // sent no TCP segment after the fault
};

enum class Op { Send, Close, Shutdown, Recv, Exit };
// What an action waits for before its delay: the fault, the connection, the
// application's detection, a TCP state of its own side, or the fault's recovery
// step (its name in case files comes from the fault's registry row: "rebooted", "healed").
enum class Trigger { Fault, Connected, Detected, State, Recovered };

struct Action {
  Role role = Role::Server;
  Op op = Op::Send;
  int64_t bytes = 0;
  Trigger when = Trigger::Fault;
  int state = 0;         // Trigger::State: the TCP state awaited
  int64_t delay_ms = 0;  // after `when`
  // Send only: the application blocks in send() until the kernel took every byte or
  // the send failed, however long that is, instead of answering within a few seconds.
  bool blocks = false;
};

struct CaseSpec {
  std::string name;  // "process-crash/idle", from the path under cases/
  std::string file;
  std::string description;
  TopologyKind topology = TopologyKind::Switch;
  bool ipv6 = false;
  std::map<Role, std::map<std::string, std::string>> sysctls;  // role -> name -> value
  std::map<std::string, std::string> router_sysctls;           // the router topology's router
  std::map<Role, SocketOptions> sockets;
  std::map<Role, bool> reads;  // role -> reads its socket (default true)
  std::map<Role, NeighbourChoice> neighbours;  // role -> its entry for the peer at the fault
  std::map<Role, ProgramSpec> programs;  // a side played by the user's program, not the endpoint
  std::vector<Action> before_fault;
  bool connect_after_fault = false;  // the client connects only after the fault (connect to a dead host)
  FaultSpec fault;
  std::vector<Action> after_fault;
  int64_t window_ms = 5000;
  std::map<Role, SideExpect> expect;
  std::vector<std::string> overrides;  // the --set assignments applied, in order (the result's "set")

  bool reads_socket(Role r) const { return reads.count(r) ? reads.at(r) : true; }
  // The case's choice, or the default: a connection in use has a confirmed entry;
  // a client that connects only after the fault has never resolved the server.
  NeighbourChoice neighbour_at_fault(Role r) const {
    if (auto it = neighbours.find(r); it != neighbours.end()) return it->second;
    return connect_after_fault ? NeighbourChoice::Absent : NeighbourChoice::Reachable;
  }
  const SocketOptions& socket_options(Role r) const;
  const ProgramSpec* program(Role r) const {
    auto it = programs.find(r);
    return it == programs.end() ? nullptr : &it->second;
  }
};

// Bad input in a case file or a --set, naming the file and the field.
using CaseError = InputError;

// The longest a case may wait for anything: a case that needs longer is a mistake.
inline constexpr int64_t kMaxWindowMs = 30 * 60 * 1000;

}  // namespace crashlab::runner
