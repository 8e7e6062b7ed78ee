#include "runner/run/world/programs.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "netns/app/sandbox.hpp"
#include "netns/sys/clock.hpp"
#include "netns/wire/tcp_state.hpp"
#include "netns/sys/wait.hpp"
#include "runner/case/roles.hpp"
#include "runner/predict/prediction_input.hpp"

namespace crashlab::runner {

namespace {
constexpr int kEstablished = 1, kListen = 10;  // the kernel's TCP state numbers
constexpr size_t kTailLines = 8;               // quoted when a program fails to start

Placeholders placeholders_for(World& w, Role r) {
  return {{"address", w.topo->address(r)},
          {"peer", w.topo->peer_address(r)},
          {"port", std::to_string(w.port)},
          {"dir", app::kPrivateDir},
          {"case_dir", std::filesystem::absolute(w.spec.file).parent_path().string()}};
}

std::vector<std::string> filled(const std::vector<std::string>& args, const Placeholders& v) {
  std::vector<std::string> out;
  for (const std::string& a : args) out.push_back(fill_placeholders(a, v));
  return out;
}

bool uses(const ProgramSpec& p, const std::string& placeholder) {
  const std::string token = "{" + placeholder + "}";
  const auto in = [&](const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return a.find(token) != std::string::npos; });
  };
  return in(p.command) || std::any_of(p.prepare.begin(), p.prepare.end(), in) ||
         std::any_of(p.env.begin(), p.env.end(), [&](const auto& kv) { return kv.second.find(token) != std::string::npos; });
}

app::Launch launch_for(const ProgramSpec& p, const Placeholders& v) {
  const std::string& case_dir = v.at("case_dir");
  if (uses(p, "case_dir") && (case_dir == app::kPrivateDir || case_dir.rfind(std::string(app::kPrivateDir) + "/", 0) == 0))
    throw std::runtime_error("the case is in " + case_dir + ", under " + app::kPrivateDir +
                             ", which the program's private /tmp hides: its {case_dir} files would not be there; "
                             "put the case elsewhere");
  app::Launch l;
  l.command = filled(p.command, v);
  for (const auto& [name, value] : p.env) l.env.push_back(name + "=" + fill_placeholders(value, v));
  for (const auto& argv : p.prepare) l.prepare.push_back(filled(argv, v));
  l.as_nobody = p.as_nobody;
  // Scaled as the wait for readiness is (CRASHLAB_TIME_SCALE), which it is part of.
  l.prepare_timeout_s = unsigned(std::max<int64_t>(1, scaled(milliseconds(p.ready_timeout_ms)).count() / 1000));
  return l;
}

std::string output_tail(const app::AppProcess& p) {
  const auto lines = p.lines();
  std::string out;
  for (size_t i = lines.size() > kTailLines ? lines.size() - kTailLines : 0; i < lines.size(); ++i)
    out += "\n  | " + lines[i].text;
  return out.empty() ? " (it printed nothing)" : "; its last output:" + out;
}

bool listening(World& w, Role r) {
  for (const SockEntry& e : SockDiag(w.topo->host(r).ns()).dump(w.port))
    if (e.state == kListen && e.sport == w.port) return true;
  return false;
}

bool printed(const app::AppProcess& p, const std::regex& re) {
  const auto lines = p.lines();
  return std::any_of(lines.begin(), lines.end(), [&](const app::OutputLine& l) { return std::regex_search(l.text, re); });
}

bool ready(World& w, Role r, const ProgramSpec& spec, const app::AppProcess& p) {
  switch (spec.ready) {
    case Readiness::Listening: return listening(w, r);
    case Readiness::Connected: return program_connection(w, r).has_value();
    case Readiness::Output: return printed(p, *spec.ready_output->re);
  }
  return false;
}

std::string readiness_text(const ProgramSpec& spec, uint16_t port) {
  switch (spec.ready) {
    case Readiness::Listening: return "listen on port " + std::to_string(port);
    case Readiness::Connected: return "connect to port " + std::to_string(port);
    case Readiness::Output: return "print a line matching /" + spec.ready_output->pattern + "/";
  }
  return "";
}

void read_tcp_info(int fd, TcpInfoAtFault& t) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return;
  t.t_ns = monotonic_ns();
  t.rto_us = info.tcpi_rto;
  t.rtt_us = info.tcpi_rtt;
  if (info.tcpi_snd_mss > 0) t.snd_mss = info.tcpi_snd_mss;
  t.last_data_recv_ms = info.tcpi_last_data_recv;
  t.last_ack_recv_ms = info.tcpi_last_ack_recv;
  t.sack = (info.tcpi_options & TCPI_OPT_SACK) != 0;
}
}  // namespace

void start_program(World& w, Role r) {
  const ProgramSpec& spec = *w.spec.program(r);
  auto p = std::make_unique<app::AppProcess>(w.topo->host(r).ns(), launch_for(spec, placeholders_for(w, r)),
                                             std::string(role_name(r)) + " program " + spec.command[0]);
  app::AppProcess& prog = *p;
  w.programs[r] = std::move(p);
  const auto started = Clock::now();
  const auto deadline = started + scaled(milliseconds(spec.ready_timeout_ms));
  const bool ok = sample_until([&] { return prog.exit() || ready(w, r, spec, prog); }, deadline, milliseconds(2));
  const std::string what = prog.label() + " to " + readiness_text(spec, w.port);
  if (auto ended = prog.exit())
    throw std::runtime_error(prog.label() + " " + ended->text() + " before it was ready (waited for it to " +
                             readiness_text(spec, w.port) + ")" + output_tail(prog));
  if (!ok) throw WaitTimeout(what, "not yet" + output_tail(prog), started);
}

std::optional<SockEntry> program_connection(World& w, Role r) {
  if (!w.topo->has_host(r)) return std::nullopt;
  const bool client = r == Role::Client;
  // Once the connection is known (the endpoint client's port is chosen in advance, a
  // client program's is found by key_from_client_program), only that one.
  const bool keyed = w.client_program_connected || !w.spec.program(Role::Client);
  const std::optional<ConnKey> known = keyed && w.key.count(r) ? std::optional(w.key.at(r)) : std::nullopt;
  std::optional<SockEntry> found;
  for (const SockEntry& e : SockDiag(w.topo->host(r).ns()).dump(w.port)) {
    if (e.state != kEstablished || e.inode == 0) continue;
    if (client ? e.dport != w.port : e.sport != w.port) continue;
    if (known && (e.sport != known->local_port || e.dport != known->remote_port)) continue;
    // Several (a pool) before it is known: any one, the lowest inode, and that one from then on.
    if (!found || e.inode < found->inode) found = e;
  }
  return found;
}

void key_from_client_program(World& w) {
  std::optional<SockEntry> conn;
  require_within([&] { return (conn = program_connection(w, Role::Client)).has_value(); },
                 Clock::now() + default_timeout(), "the client program's connection to port " + std::to_string(w.port),
                 [] { return std::string("none established"); });
  w.key[Role::Client] = ConnKey{w.topo->address(Role::Client), conn->sport, w.topo->address(Role::Server), w.port};
  w.key[Role::Server] = ConnKey{w.topo->address(Role::Server), w.port, w.topo->peer_address(Role::Server), conn->sport};
  w.client_program_connected = true;
}

ProgramRecord read_program_socket(World& w, Role r, std::optional<TcpInfoAtFault>& tcp_info) {
  ProgramRecord rec;
  app::AppProcess& p = *w.program(r);
  auto conn = program_connection(w, r);
  if (!conn) {
    rec.socket_note = "no established connection of its to read";
    return rec;
  }
  try {
    UniqueFd fd = p.take_socket(conn->inode);
    SocketOptions opts;
    for (const std::string& name : model_socket_options())
      if (auto v = read_socket_option(fd.get(), name)) opts.push_back({name, *v});
    rec.socket_options = std::move(opts);
    TcpInfoAtFault t;
    read_tcp_info(fd.get(), t);
    if (t.t_ns) tcp_info = t;
  } catch (const std::exception& e) {
    rec.socket_note = e.what();
  }
  return rec;
}

std::vector<std::string> other_program_connections(World& w, Role r) {
  std::vector<std::string> out;
  if (!w.topo->has_host(r) || !w.alive[r]) return out;
  const ConnKey& judged = w.key.at(r);
  for (const SockEntry& e : SockDiag(w.topo->host(r).ns()).dump(w.port)) {
    if (e.state == kListen) continue;
    if (e.sport == judged.local_port && e.dport == judged.remote_port) continue;
    ConnKey k{e.saddr, e.sport, e.daddr, e.dport};
    out.push_back(k.text() + " " + tcp_state_name(e.state));
  }
  return out;
}

std::vector<AppRecord> program_outcomes(const ProgramSpec& spec, const app::AppProcess& p, int64_t fault_t) {
  std::vector<AppRecord> out;
  for (const app::OutputLine& l : p.lines())
    if (l.t_ns >= fault_t)
      if (auto o = outcome_of_line(spec, l.text)) out.push_back({*o, l.t_ns, 0, "output"});
  if (auto e = p.exit(); e && spec.on_exit && e->t_ns >= fault_t) out.push_back({*spec.on_exit, e->t_ns, 0, "exit"});
  std::stable_sort(out.begin(), out.end(), [](const AppRecord& a, const AppRecord& b) { return a.t_ns < b.t_ns; });
  return out;
}

}  // namespace crashlab::runner
