#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/app/app_process.hpp"
#include "netns/endpoint/socket_options.hpp"
#include "netns/neighbour/arp_packets.hpp"
#include "netns/neighbour/neighbour_event.hpp"
#include "netns/observe/state_timeline.hpp"
#include "netns/topology/topology.hpp"
#include "netns/observe/trace/kernel_event.hpp"
#include "runner/case/neighbour_choice.hpp"
#include "runner/case/outcome.hpp"

namespace crashlab::runner {

// What a case run measured: the one thing the run stage hands on. Prediction,
// judging, the timeline and the result are pure functions of it (and the spec),
// so each can be tested from values, without namespaces or root.

// One application event after the fault, as the endpoint reported it.
struct AppRecord {
  Outcome outcome;
  int64_t t_ns = 0;    // CLOCK_MONOTONIC
  int64_t bytes = 0;   // SENT / DATA
  std::string op;      // Error: the operation that met it (send, recv, poll, connect)
};

// TCP_INFO of a live connection just before the fault.
struct TcpInfoAtFault {
  int64_t t_ns = 0;
  int64_t rto_us = 200000, rtt_us = 0, snd_mss = 1448;
  int64_t last_data_recv_ms = 0, last_ack_recv_ms = 0;
  bool sack = false;
  // The peer's window was closed: nothing in flight, data waiting to be sent; the
  // probe timer's backoff then (tcpi_backoff).
  bool zero_window = false;
  int backoff = 0;
  int probes = 0;  // tcpi_probes: window probes unanswered since the last ACK
};

// A side's neighbour entry for its peer as the case asked for it, and as the
// kernel held it when read back just before the fault.
struct NeighbourAtFault {
  NeighbourChoice asked = NeighbourChoice::Untouched;
  std::optional<NudState> state;  // nullopt: no entry
  std::string lladdr;
  int64_t t_ns = 0;  // CLOCK_MONOTONIC of the read-back (the entry was set just before)
};

// A side played by a program (runner/run/world/programs.hpp): what it was, printed and did.
struct ProgramRecord {
  std::vector<std::string> command;  // as started, placeholders filled
  std::vector<app::OutputLine> output;
  std::optional<app::ProgramExit> exit;
  // Read from its live socket just before the fault (pidfd_getfd): the options the
  // model reads, in the model's order; nullopt with socket_note saying why not.
  std::optional<SocketOptions> socket_options;
  std::string socket_note;
  // Its connections to the port at the end other than the judged one, as sock_diag
  // lists them ("10.77.0.2:40122 -> 10.77.0.1:5000 SYN_SENT"): a reconnect, a pool.
  std::vector<std::string> other_connections;
};

struct SideMeasurement {
  ConnKey key;                          // this side's view of the test connection
  bool alive = true;                    // false: its process or host was the one that died
  std::vector<StateAt> states;          // every state change the observer saw
  std::vector<AppRecord> app;           // after the fault
  std::optional<TcpInfoAtFault> tcp_info;
  std::optional<int> state_at_end;      // as sampled when the case ended; nullopt: gone
  std::optional<int64_t> segments_sent_after_fault;  // nullopt: its host is not the one it had at the fault
  std::optional<int64_t> segments_on_wire_after_fault;  // its socket's TCP segments in the capture; nullopt: none
  std::map<std::string, std::string> sysctls;        // effective values, read back from its namespace
  std::optional<NeighbourAtFault> neighbour_at_fault;  // nullopt: its host was down before the fault
  std::vector<NeighbourEvent> neighbour_events;       // its entry for the peer's address, from netlink
  bool neighbour_events_lost = false;                 // the monitor's buffer overflowed
  std::optional<ProgramRecord> program;               // the side is a program, not the endpoint
  std::optional<int64_t> closed_t_ns;  // its application closed the socket after the fault: an orphan from then
};

struct ObserverInfo {
  std::string name, resolution, note;
  bool exact = false;  // every state change seen (tracepoints), not sampled
  uint64_t lost = 0;   // kernel events dropped
};

// One step of the scenario the runner carried out after the connection came up:
// the fault's injection, its recovery, each action. When it was due, when the
// runner got to it and when it returned (CLOCK_MONOTONIC), so a run the runner
// itself delayed can say so (runner/judge/distortion.hpp).
// Who placed a step: the case's own actions run in its order; the fault, its recovery
// and the recovery's later steps (an announcement, a port that starts to forward) are
// the runner's, placed by their times.
enum class StepKind { Action, Fault, Recovery, RecoveryStep };

struct StepTiming {
  std::string what;  // "fault", "recovery", "client send", ...
  int64_t due_ns = 0, started_ns = 0, done_ns = 0;
  StepKind kind = StepKind::Action;
  bool the_faults() const { return kind != StepKind::Action; }
  double late_ms() const { return double(started_ns - due_ns) / 1e6; }
  double took_ms() const { return double(done_ns - started_ns) / 1e6; }
};

struct Measurement {
  int64_t fault_t_ns = 0;                 // CLOCK_MONOTONIC of the injection
  int64_t wall_minus_monotonic_ns = 0;    // CLOCK_REALTIME - CLOCK_MONOTONIC at the fault (captures are wall-clock)
  std::optional<int64_t> recovered_t_ns;  // the reboot or heal, if the fault has one
  std::optional<int64_t> peer_there_t_ns;  // from here the survivor meets the recovered peer (the model's recovery)
  std::optional<int64_t> peer_there_from_t_ns;  // ... or perhaps already from here: the step that did it began
  std::optional<int64_t> connect_t_ns;    // the client's connect(), when it comes after the fault
  std::map<Role, SideMeasurement> sides;
  std::vector<KernelEvent> kernel_events;  // decoded tracepoint hits for the case's port
  std::vector<ArpPacket> arp;              // from the capture (IPv4), every ARP frame it saw
  ObserverInfo observer;
  nlohmann::json machine;  // environment_facts()
  std::optional<int> hz;   // the kernel's tick rate, when it could be probed
  std::vector<StepTiming> steps;            // in the order the runner did them
  std::optional<int64_t> wakeup_late_max_ns;  // the runner's own timer wake-ups over the window (WakeupLateness)

  double ms_after_fault(int64_t t_ns) const { return double(t_ns - fault_t_ns) / 1e6; }
};

// The first EOF or error after the fault.
std::optional<AppRecord> detection(const SideMeasurement& side);
// A side that closed its socket after the fault and saw nothing: when the kernel
// gave up on the orphan (its CLOSE after the close), which no application sees.
std::optional<int64_t> orphan_end_ns(const SideMeasurement& side);
// When the side noticed: its application's detection, or its orphan's end.
std::optional<int64_t> detected_ns(const SideMeasurement& side);
// The kernel's retransmissions of a side's connection after the fault, in ms after
// it: those it sent. Since about 6.17 the tracepoint also fires for an attempt that
// failed (its `err`: -EBUSY while the previous copy still waits in the host, e.g. in
// an unresolved neighbour's queue); older kernels fire only for sent ones.
std::vector<double> retransmissions_ms(const Measurement& m, Role role);

}  // namespace crashlab::runner
