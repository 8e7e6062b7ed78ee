#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace crashlab {

// What a crashlab-endpoint event line reports (docs/endpoint-protocol.md).
// Unparsable: the line was not a JSON object with an "event"; Other: an event
// name this client does not know.
enum class AppEventKind {
  Ready, Listening, Accepted, Connected, Sent, Data, Eof, Error,
  Closed, Ok, TcpInfo, Rdhup, Hup, PeriodicStopped, Unparsable, Other
};

// The protocol's name of a kind ("periodic_stopped"); "unparsable" and "other" for those two.
std::string_view kind_name(AppEventKind kind);
std::ostream& operator<<(std::ostream& os, AppEventKind kind);

// One event line of an endpoint, typed.
struct AppEvent {
  AppEventKind kind = AppEventKind::Other;
  int64_t t_ns = 0;            // CLOCK_MONOTONIC
  int64_t issued_ns = 0;       // sent: when the send was issued (CLOCK_MONOTONIC); 0 if not given
  std::optional<int64_t> id;   // the command it answers (this client's ids are integers)
  int64_t bytes = 0;           // sent / data
  int64_t total = 0;           // data: bytes received so far on this connection
  std::string op;              // error: the operation that failed
  std::string error;           // error: errno name, e.g. "ECONNRESET"
  nlohmann::json raw;          // the line as received; a JSON string holding it when unparsable

  bool is(AppEventKind k) const { return kind == k; }
  std::string text() const;  // the raw line, for error messages
};

// The one place an event line becomes an AppEvent. Never throws.
AppEvent parse_app_event(std::string_view line);

// A `tcp_info` event's fields the runner uses; the rest stay in `raw`.
struct TcpInfo {
  int64_t t_ns = 0;
  std::string state;  // e.g. "ESTABLISHED"
  int64_t rto_us = 0, rtt_us = 0, snd_mss = 0, last_data_recv_ms = 0, last_ack_recv_ms = 0;
  bool sack = false;
  // Nothing in flight and data waiting: the peer's window is closed (zero-window probing).
  int64_t unacked = 0, notsent_bytes = 0, backoff = 0, probes = 0;
  nlohmann::json raw;
};

// nullopt unless `e` is a tcp_info event.
std::optional<TcpInfo> tcp_info_of(const AppEvent& e);

}  // namespace crashlab
