#pragma once
// Builders shared by the model's unit tests.
#include <optional>
#include <string>
#include <vector>

#include "model/tcp_model.hpp"

namespace crashlab::model::testing_helpers {
// SO_KEEPALIVE with TCP_KEEPIDLE / TCP_KEEPINTVL and, when given, TCP_KEEPCNT and TCP_USER_TIMEOUT.
inline SocketParams keepalive_socket(int idle_s, int intvl_s, std::optional<int> cnt = std::nullopt,
                              std::optional<uint32_t> user_timeout_ms = std::nullopt) {
  SocketParams sp;
  sp.keepalive = true;
  sp.keepidle_s = idle_s;
  sp.keepintvl_s = intvl_s;
  sp.keepcnt = cnt;
  sp.user_timeout_ms = user_timeout_ms;
  return sp;
}

inline constexpr int64_t kMs = 1000;
inline constexpr int64_t kSec = 1000000;

inline FlightParams flight(int64_t rto_us) {
  FlightParams f;
  f.rto_us = rto_us;
  return f;
}

inline KernelParams ideal() {
  KernelParams kp;
  kp.model_timer_wheel = false;
  return kp;
}

inline std::vector<int64_t> times_of(const Prediction& p, const std::string& kind) {
  std::vector<int64_t> out;
  for (const Firing& f : p.schedule)
    if (f.kind == kind) out.push_back(f.at_us);
  return out;
}

// --- tcp_model_timeout() / the documentation's hypothetical timeout --------
}  // namespace crashlab::model::testing_helpers
