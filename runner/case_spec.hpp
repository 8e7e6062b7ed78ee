#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/topology.hpp"

namespace crashlab {

// One scenario, as a case file states it (docs/case-format.md).
// "detected_after_ms": "model": the window is the model's prediction for this
// side, widened by the larger of tolerance_pct of it, tolerance_ms and one timer
// tick; CRASHLAB_TIME_SCALE scales the tolerance.
struct ModelTolerance {
  double tolerance_pct = 5;
  int64_t tolerance_ms = 0;
};

struct SideExpect {
  std::optional<std::vector<std::string>> states;  // ordered TCP states from the connection's first on
  std::optional<std::vector<std::string>> app;     // what the application saw after the fault: EOF, SENT, DATA, errno names
  std::optional<std::pair<int64_t, int64_t>> detected_after_ms;  // window for the first EOF/error
  std::optional<ModelTolerance> detected_by_model;               // ... or the model's prediction
  std::optional<std::string> state_at_end;         // e.g. ESTABLISHED: still there when the window closes
  std::optional<bool> sends_nothing;               // sent no TCP segment after the fault
};

struct Action {
  std::string role;  // server | client
  std::string op;    // send | close | shutdown | recv | exit
  int64_t bytes = 0;
  // fault | connected | detected | state:NAME (of that role) | healed | rebooted
  std::string when = "fault";
  int64_t delay_ms = 0;  // after `when`
};

struct FaultSpec {
  // process-crash | process-exit | host-crash | host-reboot | link-drop | partition | freeze
  std::string type;
  std::string target;    // server | client
  int64_t after_ms = 0;  // how long after the connection (and pre-fault traffic) the fault hits
  // host-reboot: the host comes back this long after the crash
  int64_t reboot_after_ms = 0;
  bool new_mac = false, listener = false, gratuitous_arp = false;
  // partition: what the switch drops ("all" frames or only "tcp"), and when it stops
  std::string drop = "all";
  std::optional<int64_t> heal_after_ms;

  // When the fault's second step (reboot or heal) comes, after the injection.
  std::optional<int64_t> recovery_after_ms() const {
    if (type == "host-reboot") return reboot_after_ms;
    return heal_after_ms;
  }
};

struct CaseSpec {
  std::string name;  // "process-crash/idle", from the path under cases/
  std::string file;
  std::string description;
  TopologyKind topology = TopologyKind::Switch;
  bool ipv6 = false;
  std::map<std::string, std::map<std::string, std::string>> sysctls;  // role -> name -> value
  std::map<std::string, nlohmann::json> sockets;                      // role -> {OPTION: value}
  std::map<std::string, bool> reads;                                  // role -> reads its socket
  std::vector<Action> before_fault;
  bool connect_after_fault = false;  // the client connects only after the fault (connect to a dead host)
  FaultSpec fault;
  std::vector<Action> after_fault;
  int64_t window_ms = 5000;
  std::map<std::string, SideExpect> expect;  // role -> expectations
};

// Bad input, always naming the file and the field: "cases/x.json: expect.server.states[2]: ..."
struct CaseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses and validates strictly: unknown keys, wrong types, unknown roles, faults,
// states, errno names, socket options, and absurd times are errors. Sysctl names
// are checked against /proc/sys of the namespace the caller is in (see validate_sysctls).
CaseSpec parse_case(const nlohmann::json& j, const std::string& file, const std::string& name);
CaseSpec load_case(const std::string& path);
// Every *.json below `path` (or `path` itself), sorted.
std::vector<std::string> find_case_files(const std::string& path);
// "cases/process-crash/idle.json" -> "process-crash/idle": the path below the
// nearest folder named "cases", without ".json" (the file's stem if there is none).
std::string case_name_for(const std::string& file);

// Applies "--set ROLE.sysctl.NAME=VALUE" / "--set ROLE.socket.OPTION=VALUE" (ROLE may be "all").
void apply_override(CaseSpec& spec, const std::string& assignment);

}  // namespace crashlab
