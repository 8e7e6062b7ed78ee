#include "runner/world.hpp"

#include "netns/tcp_state.hpp"
#include "runner/case_run.hpp"

namespace crashlab {

Role role_of(const std::string& r) { return r == "server" ? Role::Server : Role::Client; }

bool is_detection(const nlohmann::json& e) {
  const std::string ev = e.value("event", "");
  return ev == "eof" || ev == "error";
}

std::string outcome_name(const nlohmann::json& e) {
  const std::string ev = e.value("event", "");
  if (ev == "eof") return "EOF";
  if (ev == "sent") return "SENT";
  if (ev == "data") return "DATA";
  return e.value("errno", "?");
}

World::World(const CaseSpec& s) : spec(s), port(allocate_port()), client_port(allocate_port()) {}

std::vector<nlohmann::json> World::outcomes_after_fault(const std::string& role) {
  std::vector<nlohmann::json> out;
  if (!ep.count(role)) return out;
  for (const nlohmann::json& e : ep[role]->events()) {
    const std::string ev = e.value("event", "");
    if (e.value("t", int64_t(0)) >= fault_t && (is_detection(e) || ev == "sent" || ev == "data")) out.push_back(e);
  }
  return out;
}

std::optional<nlohmann::json> World::detection(const std::string& role) {
  for (const nlohmann::json& e : outcomes_after_fault(role))
    if (is_detection(e)) return e;
  return std::nullopt;
}

std::string World::last_state(const std::string& role) {
  auto s = obs->states(key[role]);
  return s.empty() ? "" : tcp_state_name(s.back().state);
}

}  // namespace crashlab
