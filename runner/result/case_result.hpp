#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/observe/state_timeline.hpp"
#include "netns/topology/topology.hpp"
#include "netns/undo/undo_agent.hpp"
#include "runner/case/outcome.hpp"
#include "runner/faults/fault.hpp"
#include "runner/predict/prediction.hpp"
#include "runner/result/natural_zeros.hpp"
#include "runner/run/measurement.hpp"
#include "runner/run/plan/window.hpp"

namespace crashlab::runner {

// Distorted: expectations failed while the runner itself carried the scenario out
// late or lost observations, and each failure is one that distortion can cause
// (runner/judge/distortion.hpp), so the failure is not the kernel's or the model's.
enum class Verdict { Pass, Fail, Distorted, Error };
inline constexpr Verdict kVerdicts[] = {Verdict::Pass, Verdict::Fail, Verdict::Distorted, Verdict::Error};
// "pass", "fail", "distorted", "error": the result file's words.
const char* verdict_name(Verdict v);
// The verdict a result file's word names; nullopt for any other word.
std::optional<Verdict> verdict_named(const std::string& name);

struct SideResult {
  ConnKey key;                          // this side's view of the test connection
  std::vector<StateAt> states;          // from the connection's first state on
  std::vector<Outcome> app;             // after the fault (repeats folded, except SENT)
  std::optional<Outcome> error;         // the first EOF / errno after the fault
  std::optional<double> detected_after_ms;
  std::map<NaturalZero, double> detected_from;  // the same from each moment worth counting from (natural_zeros.hpp)
  std::optional<int> state_at_end;      // as sampled when the case ended; nullopt: gone
  std::optional<int64_t> segments_sent_after_fault;
  std::optional<int64_t> segments_on_wire_after_fault;
  bool alive = true;                    // false: its process or host was the one that died
  std::optional<SidePrediction> predicted;  // the timing model's view; nullopt for the side the fault hit
  std::string expected_detection;       // the window the case asserted, as text ("" when none)
  std::optional<NeighbourAtFault> neighbour_at_fault;  // its entry for the peer, read back before the fault
  std::vector<NeighbourEvent> neighbour_events;        // that entry's changes (netlink)
  bool neighbour_events_lost = false;
  std::optional<ProgramRecord> program;  // the side was a program: its command, output, exit, socket
};

struct Failure {
  Role role = Role::Server;
  std::string field, expected, seen;
  // What was expected came later than its window, or had not come when the watch
  // ended (no errno yet, states or outcomes stopping short of their end), by no more
  // than the runner's measured timer lateness over the timers on the way can make it.
  // Late timers can explain this and nothing else.
  bool late = false;
  // A "prediction" failure of a side the pre-run plan modelled: the run's own moments
  // (a late send, a slow fault) took it out of the model's reach.
  bool modelled_as_planned = false;
  // A distortion of this run can have caused it (runner/judge/distortion.hpp).
  bool explained = false;
  std::string text() const;
};

struct CaseResult {
  std::string name, file, description;
  std::string basename;  // "<case-name-with-dashes>-<UTC timestamp>": the result's and the capture's file name
  Verdict verdict = Verdict::Error;
  std::string error;     // set when the case could not run at all
  std::vector<std::string> overrides;  // the --set assignments, as given
  FaultKind fault_kind = FaultKind::ProcessCrash;
  Role fault_target = Role::Server;
  nlohmann::json fault_params = nlohmann::json::object();  // the fault kind's own fields
  int64_t fault_t_ns = 0;  // CLOCK_MONOTONIC of the injection
  int64_t fault_wall_ns = 0;  // the same instant on CLOCK_REALTIME, the clock of capture timestamps
  int64_t started_t_ns = 0;
  std::optional<int64_t> recovered_t_ns;  // the reboot or heal, if the fault has one
  std::optional<int64_t> peer_there_t_ns;  // from here the survivor meets the recovered peer
  double duration_ms = 0;
  ObservationWindow window;  // how long it watched after the fault, and why that long
  std::string observer, observer_resolution, observer_note;
  std::string kernel;
  std::optional<std::string> pcap;  // the capture's path, when one was kept
  // The undo process removes the kept capture if the runner dies before the result
  // that names it is written (write_result() releases it).
  std::shared_ptr<UndoHandle> pcap_removal_until_written;
  std::string pcap_note;            // why there is none, or what it missed
  nlohmann::json machine;           // environment_facts(): features present, tracepoint availability
  std::map<Role, std::map<std::string, std::string>> sysctls;  // effective values
  std::map<std::string, std::string> router_sysctls;           // written in the router's namespace (router topology)
  std::map<Role, SideResult> sides;
  std::vector<Failure> failures;
  std::vector<std::string> distortions;               // what the runner itself delayed or lost
  std::vector<StepTiming> steps;                      // the scenario's steps as the runner did them
  std::optional<double> wakeup_late_max_ms;           // the runner's own wake-ups over the window
  std::vector<ArpPacket> arp;                         // from the capture
  std::vector<std::string> kernel_timeline;           // raw tracepoint events, "t_ns event"
  nlohmann::json timeline = nlohmann::json::array();  // merged, relative to the fault (docs/results.md)
  uint64_t kernel_events_lost = 0;

  bool passed() const { return verdict == Verdict::Pass; }
};

}  // namespace crashlab::runner
