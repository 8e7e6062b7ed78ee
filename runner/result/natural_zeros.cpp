#include "runner/result/natural_zeros.hpp"

#include <algorithm>

#include "netns/wire/tcp_state.hpp"

namespace crashlab::runner {

const char* natural_zero_name(NaturalZero z) {
  switch (z) {
    case NaturalZero::Fault: return "fault";
    case NaturalZero::FirstSend: return "first_send";
    case NaturalZero::LastReceived: return "last_received";
    case NaturalZero::Connect: return "connect";
  }
  return "fault";
}

std::map<NaturalZero, int64_t> natural_zeros(const Measurement& m, Role role) {
  const SideMeasurement& side = m.sides.at(role);
  std::map<NaturalZero, int64_t> z{{NaturalZero::Fault, m.fault_t_ns}};
  auto send = std::find_if(side.app.begin(), side.app.end(),
                           [](const AppRecord& a) { return a.outcome.kind == Outcome::Kind::Sent; });
  if (send != side.app.end()) z[NaturalZero::FirstSend] = send->t_ns;
  // TCP_INFO counts in ms (jiffies) since the last data and the last ACK it received.
  if (const auto& info = side.tcp_info)
    z[NaturalZero::LastReceived] = info->t_ns - std::min(info->last_data_recv_ms, info->last_ack_recv_ms) * 1'000'000;
  const int established = tcp_state_from_name("ESTABLISHED");
  auto up = std::find_if(side.states.begin(), side.states.end(), [&](const StateAt& s) { return s.state == established; });
  if (m.connect_t_ns && role == Role::Client)  // the connect() after the fault is the client's
    z[NaturalZero::Connect] = *m.connect_t_ns;
  else if (up != side.states.end())
    z[NaturalZero::Connect] = up->t_ns;
  return z;
}

std::map<NaturalZero, double> detected_from(const Measurement& m, Role role) {
  const std::optional<int64_t> t = detected_ns(m.sides.at(role));  // an orphan's end included
  std::map<NaturalZero, double> out;
  if (!t) return out;
  for (const auto& [zero, at] : natural_zeros(m, role))
    if (at <= *t) out[zero] = double(*t - at) / 1e6;
  return out;
}

}  // namespace crashlab::runner
