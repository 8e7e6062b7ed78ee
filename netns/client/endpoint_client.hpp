#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netns/client/app_event.hpp"
#include "netns/client/commands.hpp"
#include "netns/sys/process.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab {

// The runner's side of one crashlab-endpoint process (docs/endpoint-protocol.md):
// typed commands out, typed events in. Every command that has an answer waits for
// it (bounded) and returns it, or the error the command met, unless the method says
// it throws. Writing to an endpoint whose process is gone throws
// "<label>: endpoint gone (exited with ...)".
class EndpointClient {
 public:
  using Predicate = std::function<bool(const AppEvent&)>;

  // Starts the endpoint in `ns` and waits (bounded) for its "ready" line.
  EndpointClient(const NetNs& ns, std::string label, milliseconds ready_timeout = default_timeout());

  const std::string& label() const { return label_; }
  pid_t pid() const { return proc_.pid(); }
  NsProcess& process() { return proc_; }

  // The address actually bound (port 0 picks one); throws with the error met.
  Bound listen(const std::string& addr, uint16_t port, const SocketOptions& opts = {},
               milliseconds timeout = default_timeout());
  // Arms one accept; `accepted` (or an accept error) comes later, carrying the returned id.
  int64_t arm_accept(const SocketOptions& opts = {});
  // The `connected` event; throws with the error met.
  AppEvent connect(const ConnectTo& to, milliseconds timeout = default_timeout());
  // Returns at once; the outcome arrives as events carrying the returned id.
  int64_t start_connect(const ConnectTo& to);
  AppEvent send(int64_t bytes, milliseconds timeout = default_timeout());  // `sent`, or the error met
  // The same send, not waited for: its `sent` or error comes whenever the kernel decides.
  int64_t start_send(int64_t bytes);
  AppEvent close(milliseconds timeout = default_timeout());                // `closed`
  AppEvent shutdown(ShutdownHow how, milliseconds timeout = default_timeout());
  AppEvent set_reading(bool enable, milliseconds timeout = default_timeout());
  AppEvent set_options(const SocketOptions& opts, milliseconds timeout = default_timeout());
  AppEvent periodic_send(int64_t bytes, int64_t interval_ms, milliseconds timeout = default_timeout());
  AppEvent stop_periodic_send(milliseconds timeout = default_timeout());
  // nullopt: no connection (ENOTCONN); any other error throws.
  std::optional<TcpInfo> tcp_info(milliseconds timeout = default_timeout());
  // No answer: the process _exit()s without closing anything (wait with process().wait_exit).
  void exit(int code = 0);

  // `answer` if it is of kind `want`, else throws "<label>: expected <want>, got <line>".
  AppEvent expect(AppEventKind want, AppEvent answer) const;

  // Everything received so far (reads whatever is already in the pipe first).
  const std::vector<AppEvent>& events();
  // The pipe the events arrive on, to poll() beside other sources (then events() reads
  // what came); -1 once the endpoint has exited and everything was read.
  int events_fd() const { return eof_ ? -1 : proc_.stdout_fd(); }
  // The first event (in arrival order) matching pred; waits for it, bounded.
  // Throws WaitTimeout naming `what` and the last event seen.
  AppEvent wait_for(const Predicate& pred, const std::string& what, milliseconds timeout);
  AppEvent wait_for(AppEventKind kind, milliseconds timeout);
  // The first event carrying command id `id`: its answer or its error.
  AppEvent wait_for_answer(int64_t id, milliseconds timeout);
  std::optional<AppEvent> find(const Predicate& pred);

 private:
  int64_t send_with_id(Command cmd);  // with a fresh id; returns it
  void write_line(const std::string& line);
  AppEvent ask(const Command& cmd, milliseconds timeout);
  [[noreturn]] void throw_gone();
  bool read_some(int timeout_ms);  // false on EOF
  std::optional<AppEvent> scan(const Predicate& pred) const;

  std::string label_;
  NsProcess proc_;
  std::string partial_;
  std::vector<AppEvent> events_;
  bool eof_ = false;
};

}  // namespace crashlab
