#include "runner/advise/settings.hpp"

#include <algorithm>

namespace crashlab::runner::advise {

namespace {
// One named setting with its value, in the order a person would set them.
struct Named {
  std::string name;
  nlohmann::json value;
  bool socket_option;
};

std::vector<Named> named(const Settings& s) {
  std::vector<Named> out;
  if (s.keepalive) out.push_back({"SO_KEEPALIVE", 1, true});
  if (s.scope == Scope::Socket) {
    if (s.keepalive) {
      out.push_back({"TCP_KEEPIDLE", s.keepidle_s, true});
      out.push_back({"TCP_KEEPINTVL", s.keepintvl_s, true});
      out.push_back({"TCP_KEEPCNT", s.keepcnt, true});
    }
    if (s.user_timeout_ms) out.push_back({"TCP_USER_TIMEOUT", *s.user_timeout_ms, true});
  } else {
    if (s.keepalive) {
      out.push_back({"net.ipv4.tcp_keepalive_time", s.keepidle_s, false});
      out.push_back({"net.ipv4.tcp_keepalive_intvl", s.keepintvl_s, false});
      out.push_back({"net.ipv4.tcp_keepalive_probes", s.keepcnt, false});
    }
    if (s.tcp_retries2 != model::KernelParams{}.tcp_retries2) out.push_back({"net.ipv4.tcp_retries2", s.tcp_retries2, false});
  }
  return out;
}
}  // namespace

double Settings::probes_per_hour() const {
  if (!keepalive) return 0;
  return 3600.0 / double(std::max(keepidle_s, keepintvl_s));
}

model::KernelParams kernel_params(const Settings& s, int hz) {
  model::KernelParams k;
  k.hz = hz;
  if (s.scope == Scope::Sysctl) {
    k.tcp_keepalive_time_s = s.keepidle_s;
    k.tcp_keepalive_intvl_s = s.keepintvl_s;
    k.tcp_keepalive_probes = s.keepcnt;
    k.tcp_retries2 = s.tcp_retries2;
  }
  return k;
}

model::SocketParams socket_params(const Settings& s) {
  model::SocketParams p;
  p.keepalive = s.keepalive;
  if (s.scope == Scope::Socket && s.keepalive) {
    p.keepidle_s = s.keepidle_s;
    p.keepintvl_s = s.keepintvl_s;
    p.keepcnt = s.keepcnt;
  }
  if (s.scope == Scope::Socket && s.user_timeout_ms) p.user_timeout_ms = uint32_t(*s.user_timeout_ms);
  return p;
}

std::vector<std::string> set_assignments(const Settings& s, const std::string& role) {
  std::vector<std::string> out;
  for (const Named& n : named(s))
    out.push_back(role + (n.socket_option ? ".socket." : ".sysctl.") + n.name + "=" + n.value.dump());
  return out;
}

nlohmann::json settings_json(const Settings& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const Named& n : named(s)) j[n.name] = n.name == "SO_KEEPALIVE" ? nlohmann::json(true) : n.value;
  return j;
}

std::string settings_text(const Settings& s) {
  std::string t;
  for (const Named& n : named(s)) t += (t.empty() ? "" : " ") + n.name + "=" + n.value.dump();
  return t.empty() ? "(nothing set)" : t;
}

}  // namespace crashlab::runner::advise
