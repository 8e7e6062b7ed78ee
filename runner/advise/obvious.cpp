#include "runner/advise/obvious.hpp"

#include <algorithm>
#include <functional>

namespace crashlab::runner::advise {

namespace {
struct Row {
  Scope scope;
  std::function<std::string(const Settings&)> label;
  const char* rule;
  std::function<Settings(const Request&)> settings;
};

int deadline_s(const Request& r) { return int(r.detect_within_ms / 1000); }

// The rule of thumb: idle + interval x count adds up to the deadline, three probes.
Settings sum_to_deadline(const Request& r, Scope scope) {
  Settings s;
  s.scope = scope;
  s.keepalive = true;
  s.keepcnt = 3;
  s.keepintvl_s = std::max(1, deadline_s(r) / 6);
  s.keepidle_s = std::max(1, deadline_s(r) - s.keepcnt * s.keepintvl_s);
  return s;
}

std::string keepalive_text(const Settings& s) {
  return std::to_string(s.keepidle_s) + " + " + std::to_string(s.keepintvl_s) + " x " + std::to_string(s.keepcnt);
}

const std::vector<Row> kRows = {
    {Scope::Socket,
     [](const Settings& s) { return "TCP_USER_TIMEOUT=" + std::to_string(*s.user_timeout_ms) + " alone"; },
     "without SO_KEEPALIVE no timer runs on an idle connection (tcp_keepalive_timer is never armed); and the user "
     "timeout counts from the first RTO retransmission, not from the send (retransmits_timed_out)",
     [](const Request& r) {
       Settings s;
       s.user_timeout_ms = int(r.detect_within_ms);
       return s;
     }},
    {Scope::Socket, [](const Settings&) { return std::string("SO_KEEPALIVE=1 alone (kernel defaults 7200 s / 75 s / 9)"); },
     "the first probe goes out after 2 h idle; and while data is in flight the keepalive timer does not probe at all: "
     "tcp_retries2=15 decides, about 15 min",
     [](const Request&) {
       Settings s;
       s.keepalive = true;
       return s;
     }},
    {Scope::Socket,
     [](const Settings& s) { return "TCP_KEEPIDLE + TCP_KEEPINTVL x TCP_KEEPCNT = " + keepalive_text(s) + " s, the deadline"; },
     "every keepalive timer fires late on the timer wheel (up to 1/8 of its delay, rule 9), so the sum is the earliest "
     "give-up, not the latest; and keepalive does not cover a connection with data in flight",
     [](const Request& r) { return sum_to_deadline(r, Scope::Socket); }},
    {Scope::Socket,
     [](const Settings& s) {
       return "keepalive " + keepalive_text(s) + " s with TCP_USER_TIMEOUT=" + std::to_string(*s.user_timeout_ms) +
              " (the published rule: user timeout = idle + interval x count)";
     },
     "the user timeout replaces TCP_KEEPCNT, and for data in flight it counts from the first RTO retransmission "
     "(about 0.4 s after the send), then waits for a timer firing",
     [](const Request& r) {
       Settings s = sum_to_deadline(r, Scope::Socket);
       s.user_timeout_ms = (s.keepidle_s + s.keepintvl_s * s.keepcnt) * 1000;
       return s;
     }},
    {Scope::Sysctl, [](const Settings& s) { return "net.ipv4.tcp_retries2=" + std::to_string(s.tcp_retries2) + " alone"; },
     "tcp_retries2 only limits retransmissions of data in flight; an idle connection sends nothing and never notices",
     [](const Request& r) {
       Settings s;
       s.scope = Scope::Sysctl;
       s.tcp_retries2 = 1;
       while (s.tcp_retries2 < 15 && model::hypothetical_retries2_timeout_s(s.tcp_retries2 + 1) * 1000 < double(r.detect_within_ms))
         ++s.tcp_retries2;
       return s;
     }},
    {Scope::Sysctl,
     [](const Settings& s) { return "net.ipv4.tcp_keepalive_* = " + keepalive_text(s) + " s without SO_KEEPALIVE"; },
     "the keepalive sysctls are only defaults for sockets that turn SO_KEEPALIVE on; no sysctl turns it on",
     [](const Request& r) {
       Settings s = sum_to_deadline(r, Scope::Sysctl);
       s.keepalive = false;
       return s;
     }},
    {Scope::Sysctl,
     [](const Settings& s) { return "net.ipv4.tcp_keepalive_* = " + keepalive_text(s) + " s, the deadline, with SO_KEEPALIVE"; },
     "every keepalive timer fires late on the timer wheel, so the sum is the earliest give-up; data in flight is "
     "left to tcp_retries2",
     [](const Request& r) { return sum_to_deadline(r, Scope::Sysctl); }},
};

void side_shortfalls(const char* name, const SideOutcome& o, const Request& r, std::vector<std::string>& out) {
  const Detection& d = o.detection;
  if (!d.worst_ms) {
    out.push_back(std::string(name) + ": never notices");
    return;
  }
  if (*d.worst_ms > double(r.detect_within_ms)) {
    std::string why = std::string(name) + ": notices after " + seconds_text(*d.earliest_ms) + " to " +
                      seconds_text(*d.worst_ms) + ", past the " + duration_text(double(r.detect_within_ms)) + " deadline";
    if (d.neighbour && d.neighbour->worst_ms >= *d.worst_ms)
      why += " (the latest when the peer's neighbour entry fails mid-chain: the RFC 6069 revert)";
    out.push_back(why);
  }
  Detection in_time;
  in_time.earliest_ms = in_time.worst_ms = 0.0;
  if (o.tolerated_ms && r.survive_outage_ms > 0 && !side_meets(SideOutcome{in_time, o.tolerated_ms}, r))
    out.push_back(std::string(name) + ": an outage of " + duration_text(double(r.survive_outage_ms)) +
                  " kills a healthy connection (it survives " + seconds_text(*o.tolerated_ms) + " at most)");
}
}  // namespace

std::vector<std::string> shortfalls(const Evaluation& e, const Request& r) {
  std::vector<std::string> out;
  if (r.wants_idle()) side_shortfalls("idle", e.idle, r, out);
  if (r.wants_busy()) side_shortfalls("busy", e.busy, r, out);
  return out;
}

std::vector<ObviousAnswer> obvious_answers(const Request& r) {
  std::vector<ObviousAnswer> out;
  for (const Row& row : kRows) {
    if (row.scope != r.scope) continue;
    ObviousAnswer a;
    a.settings = row.settings(r);
    a.label = row.label(a.settings);
    a.rule = row.rule;
    a.eval = evaluate(a.settings, r.hz);
    a.why = shortfalls(a.eval, r);
    a.holds = a.why.empty();
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace crashlab::runner::advise
