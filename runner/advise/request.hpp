#pragma once
// What `crashlab advise` is asked: a deadline for noticing a dead peer, an outage a
// healthy connection must live through, which connections, and where the settings go.
#include <cstdint>
#include <string>

namespace crashlab::runner::advise {

enum class Traffic { Idle, Busy, Both };
enum class Scope { Socket, Sysctl };  // per-socket options, or the namespace's sysctls

struct Request {
  int64_t detect_within_ms = 10000;
  int64_t survive_outage_ms = 0;
  Traffic traffic = Traffic::Both;
  Scope scope = Scope::Socket;
  int hz = 250;  // the kernel's tick: the timer wheel's lateness depends on it

  bool wants_idle() const { return traffic != Traffic::Busy; }
  bool wants_busy() const { return traffic != Traffic::Idle; }
  double tick_ms() const { return 1000.0 / hz; }
};

// The longest deadline the search takes: keepalive settings are whole seconds, and
// beyond an hour the grid it searches would get coarse.
inline constexpr int64_t kMaxDeadlineMs = 3600 * 1000;

const char* traffic_name(Traffic t);  // "idle", "busy", "both"
const char* scope_name(Scope s);      // "socket", "sysctl"

// "10s", "500ms", "2min", "1h" or a bare number of seconds, in ms. Throws InputError
// naming `field` for anything else (no unit it knows, not a number, negative).
int64_t parse_duration_ms(const std::string& text, const std::string& field);
// "10 s", "2 min", "1.5 s", "250 ms".
std::string duration_text(double ms);
// "9.35 s": a predicted or measured time, to the hundredth.
std::string seconds_text(double ms);

// Why the request cannot be answered at all (an outage as long as the deadline,
// a deadline out of range), or "" when it can.
std::string request_problem(const Request& r);

}  // namespace crashlab::runner::advise
