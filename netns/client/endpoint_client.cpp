#include "netns/client/endpoint_client.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include "netns/client/endpoint_binary.hpp"
#include "netns/sys/errors.hpp"

namespace crashlab {
namespace {

// Blocks SIGPIPE on this thread while it writes, and consumes the SIGPIPE a write to
// a closed pipe raised, so a dead endpoint is an EPIPE, never a signal. Chosen over
// ignoring SIGPIPE process-wide, which every child started later (programs under test included)
// would inherit, and over send(MSG_NOSIGNAL), which needs a socket: stdin is a pipe.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlocked() {
    if (!was_pending_) {
      const timespec now{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

std::string exit_text(std::optional<int> status) {
  if (!status) return "stdin closed, still running";
  if (WIFSIGNALED(*status)) {
    const char* abbrev = sigabbrev_np(WTERMSIG(*status));
    return "exited with signal " + (abbrev ? "SIG" + std::string(abbrev) : std::to_string(WTERMSIG(*status)));
  }
  return "exited with status " + std::to_string(WEXITSTATUS(*status));
}

}  // namespace

EndpointClient::EndpointClient(const NetNs& ns, std::string label, milliseconds ready_timeout)
    : label_(std::move(label)), proc_(ns, endpoint_binary(), {}) {
  wait_for(AppEventKind::Ready, ready_timeout);
}

Bound EndpointClient::listen(const std::string& addr, uint16_t port, const SocketOptions& opts, milliseconds timeout) {
  const AppEvent ans = expect(AppEventKind::Listening, ask(listen_command(addr, port, opts), timeout));
  return Bound{ans.raw.value("addr", ""), ans.raw.value("port", uint16_t(0))};
}

int64_t EndpointClient::arm_accept(const SocketOptions& opts) { return send_with_id(accept_command(opts)); }

AppEvent EndpointClient::connect(const ConnectTo& to, milliseconds timeout) {
  return expect(AppEventKind::Connected, ask(connect_command(to), timeout));
}

int64_t EndpointClient::start_connect(const ConnectTo& to) { return send_with_id(connect_command(to)); }

AppEvent EndpointClient::send(int64_t bytes, milliseconds timeout) { return ask(send_command(bytes), timeout); }

int64_t EndpointClient::start_send(int64_t bytes) { return send_with_id(send_command(bytes)); }

AppEvent EndpointClient::close(milliseconds timeout) { return ask(close_command(), timeout); }

AppEvent EndpointClient::shutdown(ShutdownHow how, milliseconds timeout) { return ask(shutdown_command(how), timeout); }

AppEvent EndpointClient::set_reading(bool enable, milliseconds timeout) { return ask(recv_command(enable), timeout); }

AppEvent EndpointClient::set_options(const SocketOptions& opts, milliseconds timeout) {
  return ask(setsockopt_command(opts), timeout);
}

AppEvent EndpointClient::periodic_send(int64_t bytes, int64_t interval_ms, milliseconds timeout) {
  return ask(periodic_send_command(bytes, interval_ms), timeout);
}

AppEvent EndpointClient::stop_periodic_send(milliseconds timeout) { return ask(periodic_stop_command(), timeout); }

std::optional<TcpInfo> EndpointClient::tcp_info(milliseconds timeout) {
  const AppEvent ans = ask(tcp_info_command(), timeout);
  if (ans.is(AppEventKind::Error) && ans.error == "ENOTCONN") return std::nullopt;
  return tcp_info_of(expect(AppEventKind::TcpInfo, ans));
}

void EndpointClient::exit(int code) { write_line(exit_command(code).dump() + "\n"); }

AppEvent EndpointClient::expect(AppEventKind want, AppEvent answer) const {
  if (!answer.is(want))
    throw std::runtime_error(label_ + ": expected '" + std::string(kind_name(want)) + "', got " + answer.text());
  return answer;
}

int64_t EndpointClient::send_with_id(Command cmd) {
  static std::atomic<int64_t> next_id{1};
  const int64_t id = next_id++;
  cmd["id"] = id;
  write_line(cmd.dump() + "\n");
  return id;
}

AppEvent EndpointClient::ask(const Command& cmd, milliseconds timeout) {
  const int64_t id = send_with_id(cmd);
  return wait_for([id](const AppEvent& e) { return e.id == id; }, "an answer to " + cmd.dump(), timeout);
}

void EndpointClient::write_line(const std::string& line) {
  SigpipeBlocked blocked;
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(proc_.stdin_fd(), p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) throw_gone();
    if (n < 0) throw_errno(label_ + ": sending " + line.substr(0, line.size() - 1) + " to the endpoint");
    p += n;
    left -= size_t(n);
  }
}

void EndpointClient::throw_gone() {
  // EPIPE: its stdin has no reader, so the process is exiting or gone; its status says how.
  throw std::runtime_error(label_ + ": endpoint gone (" + exit_text(proc_.wait_exit(default_timeout())) + ")");
}

bool EndpointClient::read_some(int timeout_ms) {
  if (eof_) return false;
  pollfd p{proc_.stdout_fd(), POLLIN, 0};
  const int rc = ::poll(&p, 1, timeout_ms);
  if (rc < 0 && errno != EINTR) throw_errno(label_ + ": poll endpoint stdout");
  if (rc <= 0) return true;
  char buf[8192];
  const ssize_t n = ::read(proc_.stdout_fd(), buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  partial_.append(buf, size_t(n));
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
    events_.push_back(parse_app_event(std::string_view(partial_).substr(start, nl - start)));
  partial_.erase(0, start);
  return true;
}

const std::vector<AppEvent>& EndpointClient::events() {
  while (!eof_) {
    const size_t before = events_.size() + partial_.size();
    read_some(0);
    if (events_.size() + partial_.size() == before) break;
  }
  return events_;
}

std::optional<AppEvent> EndpointClient::scan(const Predicate& pred) const {
  for (const auto& e : events_)
    if (pred(e)) return e;
  return std::nullopt;
}

std::optional<AppEvent> EndpointClient::find(const Predicate& pred) {
  events();
  return scan(pred);
}

AppEvent EndpointClient::wait_for(const Predicate& pred, const std::string& what, milliseconds timeout) {
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  for (;;) {
    if (auto e = scan(pred)) return *e;
    const bool open = read_some(poll_budget_ms(deadline));
    if (!open && !scan(pred))
      throw WaitTimeout(label_ + " " + what + " (the endpoint exited first)",
                        events_.empty() ? "" : events_.back().text(), started);
    if (Clock::now() >= deadline && !scan(pred))
      throw WaitTimeout(label_ + " " + what, events_.empty() ? "" : events_.back().text(), started);
  }
}

AppEvent EndpointClient::wait_for(AppEventKind kind, milliseconds timeout) {
  return wait_for([kind](const AppEvent& e) { return e.is(kind); },
                  "event '" + std::string(kind_name(kind)) + "'", timeout);
}

AppEvent EndpointClient::wait_for_answer(int64_t id, milliseconds timeout) {
  return wait_for([id](const AppEvent& e) { return e.id == id; }, "the answer to command " + std::to_string(id),
                  timeout);
}

}  // namespace crashlab
