#include "runner/result/result_json.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "netns/wire/tcp_state.hpp"
#include "netns/undo/undo_agent.hpp"
#include "runner/faults/registry.hpp"
#include "runner/result/neighbour_json.hpp"

namespace crashlab::runner {

namespace {
template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json prediction_json(const std::optional<SidePrediction>& p) {
  if (!p) return nullptr;
  nlohmann::json schedule = nlohmann::json::array();
  for (const auto& f : p->schedule)
    schedule.push_back(
        {{"kind", f.kind}, {"n", f.n}, {"at_ms", f.at_ms}, {"late_max_ms", f.late_max_ms}, {"optional", f.optional}});
  return {{"detected_after_ms", or_null(p->detected_after_ms)},
          {"late_max_ms", p->late_max_ms},
          {"alternative_detected_after_ms", or_null(p->alternative_detected_after_ms)},
          {"error", p->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(p->error)},
          {"time_zero", p->time_zero},
          {"reason", p->reason},
          {"schedule", schedule}};
}

// A program side: what ran, what it printed (ms after the fault), how it ended and
// the socket options read from its connection.
nlohmann::json program_json(const std::optional<ProgramRecord>& p, int64_t fault_t) {
  if (!p) return nullptr;
  nlohmann::json output = nlohmann::json::array();
  for (const app::OutputLine& l : p->output) output.push_back({{"after_fault_ms", double(l.t_ns - fault_t) / 1e6}, {"line", l.text}});
  nlohmann::json exit = nullptr;
  if (p->exit) exit = {{"after_fault_ms", double(p->exit->t_ns - fault_t) / 1e6}, {"how", p->exit->text()}};
  nlohmann::json options = nullptr;
  if (p->socket_options) {
    options = nlohmann::json::object();
    for (const SocketOption& o : *p->socket_options) options[o.name] = o.value;
  }
  return {{"command", p->command},
          {"output", output},
          {"exit", exit},
          {"socket_options", options},
          {"socket_options_note", p->socket_note.empty() ? nlohmann::json(nullptr) : nlohmann::json(p->socket_note)},
          {"other_connections", p->other_connections}};
}

// Every zero's key, null where the side had none (or it came after the detection).
nlohmann::json detected_from_json(const SideResult& s) {
  nlohmann::json out = nlohmann::json::object();
  for (NaturalZero z : kNaturalZeros) {
    auto it = s.detected_from.find(z);
    out[natural_zero_name(z)] = it == s.detected_from.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
  }
  return out;
}

nlohmann::json side_json(const SideResult& s, int64_t fault_t) {
  nlohmann::json states = nlohmann::json::array();
  for (const auto& st : s.states)
    states.push_back({{"state", tcp_state_name(st.state)},
                      {"t_ns", st.t_ns},
                      {"after_fault_ms", double(st.t_ns - fault_t) / 1e6}});
  nlohmann::json app = nlohmann::json::array();
  for (const Outcome& o : s.app) app.push_back(o.name());
  return {{"connection", s.key.text()},
          {"alive", s.alive},
          {"states", states},
          {"app", app},
          {"error", s.error ? nlohmann::json(s.error->name()) : nlohmann::json(nullptr)},
          {"detected_after_ms", or_null(s.detected_after_ms)},
          {"detected_from", detected_from_json(s)},
          {"state_at_end", s.state_at_end ? nlohmann::json(tcp_state_name(*s.state_at_end)) : nlohmann::json(nullptr)},
          {"segments_sent_after_fault", or_null(s.segments_sent_after_fault)},
          {"segments_on_wire_after_fault", or_null(s.segments_on_wire_after_fault)},
          {"predicted", prediction_json(s.predicted)},
          {"neighbour", neighbour_json(s, fault_t)},
          {"program", program_json(s.program, fault_t)}};
}

// Now, in microseconds, but never the same twice in this process: two cases of the same
// name starting in the same microsecond (one run-up per core) would share their result
// and capture files.
int64_t unique_now_us() {
  static std::atomic<int64_t> last{0};
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  int64_t prev = last.load();
  do now = std::max(now, prev + 1);
  while (!last.compare_exchange_weak(prev, now));
  return now;
}

std::string timestamp() {
  const int64_t now_us = unique_now_us();
  const std::time_t t = std::time_t(now_us / 1000000);
  const long long us = now_us % 1000000;
  std::tm utc{};
  ::gmtime_r(&t, &utc);  // cases finish on several threads at once
  char buf[64], frac[16];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &utc);
  std::snprintf(frac, sizeof frac, ".%06lldZ", us);  // fixed width: names sort in time order
  return std::string(buf) + frac;
}
}  // namespace

namespace {
// How the runner carried the scenario out: each step's due time after the fault,
// how late it started and how long it took, and its own wake-up lateness.
nlohmann::json ms_after_fault_or_null(const CaseResult& r, std::optional<int64_t> t_ns) {
  return t_ns ? nlohmann::json(double(*t_ns - r.fault_t_ns) / 1e6) : nlohmann::json(nullptr);
}

nlohmann::json runner_json(const CaseResult& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const StepTiming& s : r.steps)
    steps.push_back({{"what", s.what},
                     {"due_after_ms", double(s.due_ns - r.fault_t_ns) / 1e6},
                     {"late_ms", s.late_ms()},
                     {"took_ms", s.took_ms()}});
  return {{"steps", steps},
          {"wakeup_late_max_ms", r.wakeup_late_max_ms ? nlohmann::json(*r.wakeup_late_max_ms) : nlohmann::json(nullptr)}};
}
}  // namespace

nlohmann::json to_json(const CaseResult& r) {
  nlohmann::json sides = nlohmann::json::object();
  for (const auto& [role, s] : r.sides) sides[role_name(role)] = side_json(s, r.fault_t_ns);
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.failures)
    failures.push_back({{"side", role_name(f.role)},
                        {"field", f.field},
                        {"expected", f.expected},
                        {"seen", f.seen},
                        {"late", f.late},
                        {"explained_by_distortion", f.explained}});
  nlohmann::json sysctls = nlohmann::json::object();
  for (const auto& [role, values] : r.sysctls) sysctls[role_name(role)] = values;
  if (!r.router_sysctls.empty()) sysctls["router"] = r.router_sysctls;
  return {{"schema_version", kResultSchemaVersion},
          {"case", r.name},
          {"file", r.file},
          {"description", r.description},
          {"set", r.overrides},
          {"verdict", verdict_name(r.verdict)},
          {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
          {"fault",
           {{"type", fault_name(r.fault_kind)},
            {"target", fault_target_name(r.fault_kind, r.fault_target)},
            {"params", r.fault_params},
            {"t_ns", r.fault_t_ns},
            {"wall_t", double(r.fault_wall_ns) / 1e9},
            {"recovered_after_ms", ms_after_fault_or_null(r, r.recovered_t_ns)},
            {"peer_there_after_ms", ms_after_fault_or_null(r, r.peer_there_t_ns)}}},
          {"duration_ms", r.duration_ms},
          {"window", {{"ms", r.window.ms}, {"source", window_source_name(r.window.source)}}},
          {"environment",
           {{"kernel", r.kernel},
            {"machine", r.machine},
            {"sysctls", sysctls},
            {"observer", {{"name", r.observer}, {"resolution", r.observer_resolution}, {"note", r.observer_note}}}}},
          {"sides", sides},
          {"timeline", r.timeline},
          {"arp", arp_json(r.arp, r.fault_t_ns)},
          {"kernel_timeline", r.kernel_timeline},
          {"kernel_events_lost", r.kernel_events_lost},
          {"pcap", r.pcap ? nlohmann::json(*r.pcap) : nlohmann::json(nullptr)},
          {"pcap_note", r.pcap_note},
          {"failures", failures},
          {"distortions", r.distortions},
          {"runner", runner_json(r)}};
}

std::string result_basename(const std::string& case_name) {
  std::string base = case_name;
  std::replace(base.begin(), base.end(), '/', '-');
  return base + "-" + timestamp();
}

std::string write_result(const CaseResult& r, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::string base = r.basename.empty() ? result_basename(r.name) : r.basename;
  std::string path = (std::filesystem::path(dir) / (base + ".json")).string();
  // A runner killed while writing leaves no half a result: crashlab-undo removes it
  // unless the write finished.
  UndoHandle unfinished = UndoAgent::shared().remove_if_abandoned(path);
  std::ofstream out(path);
  // A program's output need not be UTF-8 (or a 4096-byte cut splits a character).
  out << to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
  unfinished.reset();
  // The capture it names is the result's now: a killed runner leaves both.
  if (r.pcap_removal_until_written) r.pcap_removal_until_written->reset();
  return path;
}

}  // namespace crashlab::runner
