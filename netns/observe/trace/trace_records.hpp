#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "netns/observe/trace/kernel_event.hpp"
#include "netns/observe/tracefs/tracefs_format.hpp"

namespace crashlab {

// The tracepoints the observer enables, in this order.
struct TracepointSpec {
  const char* name;  // "sys:name"
  KernelEvent::Kind kind;
  bool required;
};
inline constexpr TracepointSpec kTracepoints[] = {
    {"sock:inet_sock_set_state", KernelEvent::Kind::StateChange, true},
    {"tcp:tcp_retransmit_skb", KernelEvent::Kind::Retransmit, false},
    {"tcp:tcp_receive_reset", KernelEvent::Kind::ReceiveReset, false},
    {"tcp:tcp_send_reset", KernelEvent::Kind::SendReset, false},
    {"sock:inet_sk_error_report", KernelEvent::Kind::ErrorReport, false},
    // A listener's request socket (SYN_RECV) resending its SYN-ACK: such a socket
    // never passes through inet_sock_set_state.
    {"tcp:tcp_retransmit_synack", KernelEvent::Kind::SynackRetransmit, false},
};

// Where one tracepoint keeps the fields we use (absent ones stay nullopt).
struct TracepointLayout {
  std::optional<TraceField> skaddr, oldstate, newstate, sport, dport, family, protocol, saddr, daddr,
      saddr_v6, daddr_v6, error, err, state, reason;

  explicit TracepointLayout(const TraceFormat& f);
  // tcp_send_reset (since 6.x) stores whole sockaddr_in/in6 structs instead of ports.
  bool addresses_are_sockaddrs() const;
  bool kernel_filterable() const { return sport && dport; }  // the kernel can filter by port
};

// One tracepoint of this kernel, ready to decode.
struct Tracepoint {
  KernelEvent::Kind kind;
  TraceFormat format;
  TracepointLayout layout;
  std::map<int64_t, std::string> reason_names;  // sk_rst_reason values of the print fmt

  Tracepoint(KernelEvent::Kind kind, TraceFormat format);
  std::string name() const { return format.system + ":" + format.name; }
};

// Reads fields out of one raw record (the payload of a ring-buffer event); a field
// the record is too short for reads as absent.
class RawRecord {
 public:
  explicit RawRecord(std::span<const uint8_t> raw) : raw_(raw) {}
  bool has(const std::optional<TraceField>& f) const { return f && f->offset + f->size <= raw_.size(); }
  int64_t integer(const std::optional<TraceField>& f) const;  // 0 if absent or not 1/2/4/8 bytes
  const uint8_t* bytes(const std::optional<TraceField>& f, size_t need) const {
    return has(f) && f->size >= need ? raw_.data() + f->offset : nullptr;
  }

 private:
  std::span<const uint8_t> raw_;
};

// One record of `tp` stamped t_ns; nullopt for a non-TCP socket (SCTP/MPTCP also pass
// through inet_sock_set_state).
std::optional<KernelEvent> decode_record(const Tracepoint& tp, std::span<const uint8_t> raw, int64_t t_ns);

// Decodes records of any of its tracepoints, told apart by their common_type.
class RecordDecoder {
 public:
  // Throws TraceUnavailable if the formats have no common_type field.
  explicit RecordDecoder(std::vector<Tracepoint> tracepoints);
  const std::vector<Tracepoint>& tracepoints() const { return tracepoints_; }
  // nullopt for a record of another tracepoint or a non-TCP socket.
  std::optional<KernelEvent> decode(std::span<const uint8_t> raw, int64_t t_ns) const;

 private:
  std::vector<Tracepoint> tracepoints_;
  std::unordered_map<uint16_t, size_t> by_id_;  // format ID -> index
  std::optional<TraceField> common_type_;
};

// e.g. "protocol == 6 && (sport == 5001 || dport == 5001)"; "protocol == 6" for all
// ports; "" (no filter) if the tracepoint has neither. nullopt ports = every port.
std::string kernel_filter(const TracepointLayout& l, const std::optional<std::set<uint16_t>>& ports);

// This kernel's kTracepoints (those it lacks are left out and named in `missing`).
// Throws TraceUnavailable if formats cannot be read or a required one is missing.
std::vector<Tracepoint> load_tracepoints(std::vector<std::string>& missing);

}  // namespace crashlab
