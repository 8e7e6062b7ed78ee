#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/tcp_model.hpp"
#include "netns/neighbour/nud_state.hpp"
#include "runner/faults/fault.hpp"

namespace crashlab::runner {

// The survivor's neighbour entry for its peer, as read back just before the
// fault, and the neighbour sysctls of its eth0 that decide how soon it can fail.
struct NeighbourInput {
  bool known = false;             // measured (a run); false: nothing is assumed about it
  std::optional<NudState> state;  // nullopt: no entry
  double since_ms = 0;            // when it was set and read back, ms after the fault
  double base_reachable_ms = 30000;    // net.ipv4.neigh.<if>.base_reachable_time_ms
  double delay_first_probe_ms = 5000;  // net.ipv4.neigh.<if>.delay_first_probe_time (s)
  int ucast_probes = 3;                // net.ipv4.neigh.<if>.ucast_solicit
};

// What one surviving side's kernel is in for after the fault, as the case and
// the connection's measured state put it: the inputs of the timing model.
struct PredictionInput {
  using Peer = PeerAfterFault::Peer;
  Peer peer = Peer::Other;   // from the fault's registry row
  std::string not_modelled;  // Peer::Other: why
  // The peer is as `peer` says only for segments sent once the flow has been idle
  // this long (a NAT's idle timeout, counted from last_recv_ms); before, the path works.
  std::optional<double> peer_after_idle_ms;
  // ... and the other side's first segment after the fault crosses then: it renews
  // the entry both sides share (forgotten_flow.hpp, first_crossing()).
  std::optional<double> other_side_crosses_ms;

  // Exactly one of these is time zero, in ms after the fault:
  std::optional<double> send_ms;        // data sent into silence (first send after the fault)
  std::optional<double> connect_ms;     // connect() to the silent peer
  std::optional<double> last_recv_ms;   // idle: the last segment received (negative: before the fault)
  std::optional<double> close_ms;       // the application closed its socket: an orphan sending its FIN
  // The peer's window was closed at the fault (nothing in flight, data waiting): the
  // probe timer's backoff then. Time zero is then last_recv_ms, the last ACK.
  std::optional<int> zero_window_backoff;

  std::optional<double> recovery_ms;  // the peer is back (reboot) or reachable again (heal)
  // The step that brought it back began here (a switch port opening, an announcement):
  // a segment between this and recovery_ms may or may not have met it.
  std::optional<double> recovery_from_ms;
  bool recovery_answers_rst = false;  // back, but without the connection: it answers RST
  // A healed path leads to a peer whose own socket gave up meanwhile (its prediction):
  // from then on, up to peer_gave_up_late_ms later, it answers RST instead of ACKing.
  std::optional<double> peer_gave_up_ms;
  double peer_gave_up_late_ms = 0;
  int arp_probes = 3;                 // net.ipv4.neigh.<if>.mcast_solicit
  double arp_retrans_ms = 1000;       // net.ipv4.neigh.<if>.retrans_time_ms
  NeighbourInput neighbour;           // the survivor's entry for its peer at the fault
  // The fault's second step brings the peer host back where the survivor cannot
  // tell (a new MAC nobody announced): a broadcast ARP would find it.
  std::optional<double> peer_back_unannounced_ms;

  model::KernelParams kernel;
  model::SocketParams socket;
  model::FlightParams flight;
};

struct PredictedFiring {
  std::string kind;  // retransmit, tail_loss_probe, keepalive_probe, syn_retransmit, syn_retransmit_held (fires, sends nothing)
  int n = 0;
  double at_ms = 0;        // after the fault
  double late_max_ms = 0;  // the timer wheel may put it this much later
  bool optional = false;   // it races the give-up: it may or may not happen
};

struct SidePrediction {
  std::optional<double> detected_after_ms;  // when the application should see it; nullopt: never
  double late_max_ms = 0;                   // ... or up to this much later (timer-wheel phase)
  std::optional<double> alternative_detected_after_ms;  // the neighbouring outcome of a step function
  std::string error;   // errno name, or "" when the application sees nothing
  std::string reason;  // the rules that decided, in words
  std::string not_modelled;  // the model does not cover this side: why ("" when it does)
  // Not modelled, but the TCP timers alone would give up then (and up to late_max_ms
  // later): how long a sweep point watches to see what the kernel does instead.
  std::optional<double> timers_alone_ms;
  std::string time_zero;
  std::vector<PredictedFiring> schedule;  // what the kernel sends until it gives up or gets through
  // At most one: the outcome the timer wheel's phase gives instead in some phases
  // (model::PhaseOutcome), whole, with its own reason. The run may take either.
  std::vector<SidePrediction> other_phase;
};

// Pure: which model entry point applies, and how its answer moves relative to
// the fault (reboots answer RST at the first firing after them, heals let the
// next firing through, a dead neighbour fails ARP before any TCP timer runs out).
SidePrediction predict_side(const PredictionInput& in);
// A side the model does not cover, and why.
SidePrediction not_modelled(const std::string& why);

}  // namespace crashlab::runner
