// The command half of EventLoop: one JSON line from stdin -> its handler.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <map>

#include "netns/endpoint/address.hpp"
#include "netns/endpoint/event_loop.hpp"
#include "netns/endpoint/tcp_info.hpp"

namespace crashlab::endpoint {
namespace {

constexpr int64_t kMaxBytes = int64_t(1) << 40;

SocketAddress address_field(CommandArgs& args, const char* field, uint16_t port) {
  const std::string host = args.string(field);
  const auto addr = parse_socket_address(host, port);
  if (!addr) fail_command("field '" + std::string(field) + "' is not an IPv4 or IPv6 address: " + host);
  return *addr;
}

UniqueFd tcp_socket(int family) {
  UniqueFd fd(socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!fd) fail("socket", errno);
  return fd;
}

}  // namespace

void EventLoop::handle_line(const std::string& line) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return;
  Json id;
  try {
    const Json cmd = Json::parse(line);
    if (!cmd.is_object()) fail_command("a command must be a JSON object");
    if (const auto it = cmd.find("id"); it != cmd.end()) id = *it;
    CommandArgs args(cmd);
    const std::string name = args.string("cmd");
    const Handler handler = find_handler(name);
    if (!handler) fail_command("unknown cmd '" + name + "'");
    (this->*handler)(args, id);
  } catch (const Json::exception& e) {
    out_.error("command", EINVAL, id, {{"message", std::string("malformed JSON: ") + e.what()}});
  } catch (const CommandFailure& f) {
    out_.error(f.op, f.err, id, f.message.empty() ? Json(nullptr) : Json{{"message", f.message}});
  }
}

EventLoop::Handler EventLoop::find_handler(const std::string& cmd) {
  static const std::map<std::string, Handler> handlers = {
      {"listen", &EventLoop::cmd_listen},
      {"accept", &EventLoop::cmd_accept},
      {"connect", &EventLoop::cmd_connect},
      {"setsockopt", &EventLoop::cmd_setsockopt},
      {"send", &EventLoop::cmd_send},
      {"periodic_send", &EventLoop::cmd_periodic_send},
      {"recv", &EventLoop::cmd_recv},
      {"shutdown", &EventLoop::cmd_shutdown},
      {"close", &EventLoop::cmd_close},
      {"tcp_info", &EventLoop::cmd_tcp_info},
      {"exit", &EventLoop::cmd_exit},
  };
  const auto it = handlers.find(cmd);
  return it == handlers.end() ? nullptr : it->second;
}

Connection& EventLoop::connection(const std::string& op) {
  if (!conn_) fail(op, ENOTCONN, "no connection");
  return *conn_;
}

void EventLoop::cmd_listen(CommandArgs& args, const Json& id) {
  const auto port = uint16_t(args.integer("port", 0, 65535));
  const SocketAddress addr = address_field(args, "addr", port);
  const auto backlog = int(args.optional_integer("backlog", 0, INT_MAX).value_or(16));
  const SocketOptions opts = args.socket_options("opts", false);
  args.finish();

  UniqueFd fd = tcp_socket(addr.family());
  const int one = 1;
  check(setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), "setsockopt");
  apply_options(fd.get(), opts, id);
  check(bind(fd.get(), addr.get(), addr.length), "bind");
  check(listen(fd.get(), backlog), "listen");
  listener_ = std::move(fd);
  // The actual address: "port": 0 picks a free one.
  const SocketAddress bound = local_address(listener_.get());
  out_.emit("listening", {{"addr", bound.host()}, {"port", bound.port()}}, id);
}

void EventLoop::cmd_accept(CommandArgs& args, const Json& id) {
  SocketOptions opts = args.socket_options("opts", false);
  args.finish();
  if (!listener_) fail("accept", EINVAL, "not listening");
  accept_armed_ = true;
  accept_opts_ = std::move(opts);
  accept_id_ = id;
}

void EventLoop::cmd_connect(CommandArgs& args, const Json& id) {
  const auto port = uint16_t(args.integer("port", 1, 65535));
  const SocketAddress addr = address_field(args, "addr", port);
  const SocketOptions opts = args.socket_options("opts", false);
  std::optional<SocketAddress> local;
  const auto bind_port = uint16_t(args.optional_integer("bind_port", 1, 65535).value_or(0));
  if (args.optional_string("bind")) local = address_field(args, "bind", bind_port);
  args.finish();
  if (bind_port && !local) fail_command("field 'bind_port' needs 'bind'");
  if (local && local->family() != addr.family()) fail_command("fields 'bind' and 'addr' differ in address family");

  UniqueFd fd = tcp_socket(addr.family());
  // Before connect(2): TCP_SYNCNT and TCP_USER_TIMEOUT govern the handshake itself.
  apply_options(fd.get(), opts, id);
  if (local) check(bind(fd.get(), local->get(), local->length), "bind");
  if (connect(fd.get(), addr.get(), addr.length) != 0 && errno != EINPROGRESS) fail("connect", errno);
  // Completion (even an immediate one) is reported from poll(): POLLOUT.
  install_connection(std::make_unique<Connection>(std::move(fd), addr.to_string(), true, id));
}

void EventLoop::cmd_setsockopt(CommandArgs& args, const Json& id) {
  const SocketOptions opts = args.socket_options("opts", true);
  args.finish();
  const char* target = conn_ ? "connection" : "listener";
  const int fd = conn_ ? conn_->fd() : listener_.get();
  if (fd < 0) fail("setsockopt", ENOTCONN, "no connection and no listening socket");
  if (apply_options(fd, opts, id)) out_.emit("ok", {{"cmd", "setsockopt"}, {"target", target}}, id);
}

void EventLoop::cmd_send(CommandArgs& args, const Json& id) {
  const auto bytes = uint64_t(args.integer("bytes", 0, kMaxBytes));
  args.finish();
  Connection& conn = connection("send");
  conn.queue_send(bytes, id, false);
  conn.flush(out_);
  stop_periodic_if_send_failed();
}

void EventLoop::cmd_periodic_send(CommandArgs& args, const Json& id) {
  if (args.optional_bool("stop").value_or(false)) {
    args.finish();
    periodic_.stop();
    out_.emit("ok", {{"cmd", "periodic_send"}, {"stop", true}}, id);
    return;
  }
  const auto bytes = uint64_t(args.integer("bytes", 1, kMaxBytes));
  const int64_t interval_ms = args.integer("interval_ms", 1, INT_MAX);
  args.finish();
  connection("periodic_send");  // fails with ENOTCONN: no connection to send on
  if (const int err = periodic_.start(interval_ms)) fail("periodic_send", err);
  periodic_bytes_ = bytes;
  periodic_id_ = id;
  out_.emit("ok", {{"cmd", "periodic_send"}}, id);
}

void EventLoop::cmd_recv(CommandArgs& args, const Json& id) {
  const bool enable = args.optional_bool("enable").value_or(true);
  args.finish();
  reading_ = enable;
  out_.emit("ok", {{"cmd", "recv"}, {"enable", enable}}, id);
  // A socket that already reported "hup" is no longer polled: read it now.
  if (reading_ && conn_) conn_->read_available(out_);
}

void EventLoop::cmd_shutdown(CommandArgs& args, const Json& id) {
  static const std::map<std::string, int> kHow = {{"rd", SHUT_RD}, {"wr", SHUT_WR}, {"rdwr", SHUT_RDWR}};
  const std::string how = args.string("how");
  args.finish();
  const auto it = kHow.find(how);
  if (it == kHow.end()) fail_command("field 'how' must be \"rd\", \"wr\" or \"rdwr\"");
  check(::shutdown(connection("shutdown").fd(), it->second), "shutdown");
  out_.emit("ok", {{"cmd", "shutdown"}, {"how", how}}, id);
}

void EventLoop::cmd_close(CommandArgs& args, const Json& id) {
  args.finish();
  const uint64_t unsent = connection("close").unsent_bytes();
  conn_.reset();
  out_.emit("closed", {{"unsent_bytes", unsent}}, id);
}

void EventLoop::cmd_tcp_info(CommandArgs& args, const Json& id) {
  args.finish();
  Json info;
  if (const int err = read_tcp_info(connection("tcp_info").fd(), info)) fail("tcp_info", err);
  out_.emit("tcp_info", info, id);
}

void EventLoop::cmd_exit(CommandArgs& args, const Json&) {
  const auto code = int(args.optional_integer("code", 0, 255).value_or(0));
  args.finish();
  _exit(code);  // no close(): the kernel closes the sockets, as when a process dies
}

}  // namespace crashlab::endpoint
