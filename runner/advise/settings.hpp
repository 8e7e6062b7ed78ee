#pragma once
// One combination of the settings advise searches, and how it reaches the model,
// a case run (--set assignments) and its JSON.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/tcp_model.hpp"
#include "runner/advise/request.hpp"

namespace crashlab::runner::advise {

struct Settings {
  Scope scope = Scope::Socket;
  bool keepalive = false;  // SO_KEEPALIVE: per socket in both scopes (no sysctl turns it on)
  // Socket scope: TCP_KEEPIDLE/INTVL/CNT; sysctl scope: tcp_keepalive_time/intvl/probes.
  int keepidle_s = 7200, keepintvl_s = 75, keepcnt = 9;
  std::optional<int> user_timeout_ms;  // TCP_USER_TIMEOUT (socket scope only)
  int tcp_retries2 = 15;               // sysctl scope only; the kernel's default otherwise

  // How often a healthy idle connection sends a probe: the probe's ACK restarts the
  // idle time, so every max(idle, interval) (tcp_keepalive_timer re-arms with the
  // interval, and an answered probe leaves elapsed = interval - RTT).
  double probes_per_hour() const;
  bool operator==(const Settings&) const = default;
};

model::KernelParams kernel_params(const Settings& s, int hz);
model::SocketParams socket_params(const Settings& s);

// The settings as `crashlab run --set` assignments for `role` ("server").
std::vector<std::string> set_assignments(const Settings& s, const std::string& role);
// {"SO_KEEPALIVE": true, "TCP_KEEPIDLE": 6, ...} or {"net.ipv4.tcp_retries2": 3, ...}.
nlohmann::json settings_json(const Settings& s);
// "SO_KEEPALIVE=1 TCP_KEEPIDLE=6 TCP_KEEPINTVL=1 TCP_KEEPCNT=3 TCP_USER_TIMEOUT=9000".
std::string settings_text(const Settings& s);

}  // namespace crashlab::runner::advise
