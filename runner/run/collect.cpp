#include "runner/run/collect.hpp"

#include <algorithm>

#include "netns/sys/clock.hpp"
#include "netns/wire/tcp_state.hpp"
#include "runner/case/roles.hpp"
#include "runner/predict/sysctl_table.hpp"
#include "runner/run/world/programs.hpp"

namespace crashlab::runner {

namespace {

// The application's outcomes after the fault: eof, error, sent and data events.
std::vector<AppRecord> app_after_fault(World& w, Role r, int64_t fault_t) {
  if (const app::AppProcess* p = w.program(r)) return program_outcomes(*w.spec.program(r), *p, fault_t);
  std::vector<AppRecord> out;
  if (!w.ep.count(r)) return out;
  for (const AppEvent& e : w.endpoint(r).events()) {
    // A send counts from when it was issued: the kernel transmitted and armed its timers
    // then, however long send() took to return (under emulation, 13 ms).
    const int64_t t_ns = e.is(AppEventKind::Sent) && e.issued_ns > 0 ? e.issued_ns : e.t_ns;
    if (t_ns < fault_t) continue;
    AppRecord a{Outcome{}, t_ns, e.bytes, e.op};
    if (e.is(AppEventKind::Eof))
      a.outcome = {Outcome::Kind::Eof, 0};
    else if (e.is(AppEventKind::Sent))
      a.outcome = {Outcome::Kind::Sent, 0};
    else if (e.is(AppEventKind::Data))
      a.outcome = {Outcome::Kind::Data, 0};
    else if (e.is(AppEventKind::Error))
      a.outcome = Outcome::parse(e.error).value_or(Outcome{Outcome::Kind::Error, 0});
    else
      continue;
    out.push_back(a);
  }
  return out;
}

std::optional<TcpInfoAtFault> tcp_info_at(EndpointClient& ep) {
  auto info = ep.tcp_info();
  if (!info) return std::nullopt;
  TcpInfoAtFault t;
  t.t_ns = info->t_ns;
  t.rto_us = info->rto_us;
  t.rtt_us = info->rtt_us;
  if (info->snd_mss > 0) t.snd_mss = info->snd_mss;
  t.last_data_recv_ms = info->last_data_recv_ms;
  t.last_ack_recv_ms = info->last_ack_recv_ms;
  t.sack = info->sack;
  t.zero_window = info->unacked == 0 && info->notsent_bytes > 0;
  t.backoff = int(info->backoff);
  t.probes = int(info->probes);
  return t;
}
}  // namespace

AtFault snapshot_before_fault(World& w) {
  AtFault a;
  for (Role r : kRoles) {
    if (w.topo->has_host(r)) {
      a.host[r] = &w.topo->host(r);
      a.tx[r] = a.host[r]->tcp_segments_sent();
    }
    if (w.program(r)) {
      std::optional<TcpInfoAtFault> info;
      a.program[r] = read_program_socket(w, r, info);
      if (info) a.tcp_info[r] = *info;
    } else if (!w.spec.connect_after_fault) {
      if (auto info = tcp_info_at(w.endpoint(r))) a.tcp_info[r] = *info;
    }
  }
  return a;
}

void read_sysctls(World& w, Measurement& m) {
  for (Role r : kRoles) {
    std::vector<std::string> names = reported_sysctls();
    if (w.spec.sysctls.count(r))
      for (const auto& [k, v] : w.spec.sysctls.at(r)) names.push_back(k);
    m.sides[r].sysctls = w.topo->host(r).sysctl().read_all(names);
  }
}

bool settled(World& w, int64_t fault_t) {
  for (const auto& [role, e] : w.spec.expect) {
    if (e.state_at_end || e.sends_nothing) return false;
    if (e.states && w.last_state(role) != tcp_state_name(e.states->back())) return false;
    auto app = app_after_fault(w, role, fault_t);
    if (e.app && app.size() < e.app->size()) return false;
    const bool detected = std::any_of(app.begin(), app.end(), [](const AppRecord& a) { return a.outcome.detects(); });
    if ((e.detected_after_ms || e.detected_by_model) && !detected) return false;
  }
  return true;
}

void collect(World& w, const AtFault& at_fault, int64_t window_end_ns, Measurement& m) {
  std::optional<int64_t> first_look_ns;
  for (Role r : kRoles) {
    SideMeasurement& s = m.sides[r];
    s.key = w.key[r];
    s.alive = w.alive[r];
    auto states = w.obs->states(s.key);
    auto first = w.spec.connect_after_fault
                     ? states.begin()
                     : std::find_if(states.begin(), states.end(),
                                    [](const StateAt& st) { return st.state == tcp_state_from_name("ESTABLISHED"); });
    s.states.assign(first, states.end());
    s.app = app_after_fault(w, r, m.fault_t_ns);
    if (at_fault.tcp_info.count(r)) s.tcp_info = at_fault.tcp_info.at(r);
    if (const app::AppProcess* p = w.program(r)) {
      ProgramRecord rec = at_fault.program.count(r) ? at_fault.program.at(r) : ProgramRecord{};
      rec.command = p->launch().command;
      rec.output = p->lines();
      rec.exit = p->exit();
      rec.other_connections = other_program_connections(w, r);
      s.program = std::move(rec);
    }
    if (!first_look_ns) first_look_ns = monotonic_ns();
    if (auto now = w.obs->current_state(s.key)) s.state_at_end = tcp_state_from_name(*now);
    if (at_fault.host.count(r) && w.topo->has_host(r) && &w.topo->host(r) == at_fault.host.at(r))
      s.segments_sent_after_fault = int64_t(w.topo->host(r).tcp_segments_sent() - at_fault.tx.at(r));
  }
  // Due at the window's end, or at the moment the case settled if that came first.
  if (first_look_ns) m.steps.push_back({"end-state look", std::min(window_end_ns, *first_look_ns), *first_look_ns, monotonic_ns()});
  m.kernel_events = w.obs->kernel_events();
  m.observer = {w.obs->name(), w.obs->resolution(), w.obs->note(), w.obs->exact(), w.obs->lost_events()};
}

}  // namespace crashlab::runner
