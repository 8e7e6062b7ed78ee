#pragma once
#include <cstdint>
#include <string>

namespace crashlab {

// One kernel TCP tracepoint hit, decoded.
struct KernelEvent {
  enum class Kind { StateChange, Retransmit, ReceiveReset, SendReset, ErrorReport, SynackRetransmit };
  Kind kind;
  int64_t t_ns;                     // CLOCK_MONOTONIC, comparable with monotonic_ns()
  int oldstate = 0, newstate = 0;   // StateChange (kernel TCP state numbers)
  int error = 0;                    // ErrorReport: positive errno; Retransmit: failed xmit, if known
  int state = 0;                    // Retransmit/resets: the socket's state field if the tracepoint has it
  uint16_t sport = 0, dport = 0;    // host byte order; local = s, remote = d
  std::string saddr, daddr;         // "10.0.0.1" or IPv6 text
  uint64_t skaddr = 0;              // socket identity (raw pointer value from the record; 0 if none)
  std::string reason;               // SendReset: kernel's sk_rst_reason name, if the tracepoint has it
};

std::string to_string(KernelEvent::Kind);
// One line, e.g. "StateChange 127.0.0.1:41000->127.0.0.1:5001 SYN_SENT->ESTABLISHED sk=0x..".
std::string to_string(const KernelEvent&);

}  // namespace crashlab
