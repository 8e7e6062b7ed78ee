#include "runner/world.hpp"

#include "netns/tcp_state.hpp"
#include "runner/case_run.hpp"

namespace crashlab {

Role role_of(const std::string& r) { return r == "server" ? Role::Server : Role::Client; }

bool is_detection(const AppEvent& e) { return e.is(AppEventKind::Eof) || e.is(AppEventKind::Error); }

std::string outcome_name(const AppEvent& e) {
  if (e.is(AppEventKind::Eof)) return "EOF";
  if (e.is(AppEventKind::Sent)) return "SENT";
  if (e.is(AppEventKind::Data)) return "DATA";
  return e.error.empty() ? "?" : e.error;
}

World::World(const CaseSpec& s) : spec(s), port(allocate_port()), client_port(allocate_port()) {}

std::vector<AppEvent> World::outcomes_after_fault(const std::string& role) {
  std::vector<AppEvent> out;
  if (!ep.count(role)) return out;
  for (const AppEvent& e : ep[role]->events())
    if (e.t_ns >= fault_t && (is_detection(e) || e.is(AppEventKind::Sent) || e.is(AppEventKind::Data)))
      out.push_back(e);
  return out;
}

std::optional<AppEvent> World::detection(const std::string& role) {
  for (const AppEvent& e : outcomes_after_fault(role))
    if (is_detection(e)) return e;
  return std::nullopt;
}

std::string World::last_state(const std::string& role) {
  auto s = obs->states(key[role]);
  return s.empty() ? "" : tcp_state_name(s.back().state);
}

}  // namespace crashlab
