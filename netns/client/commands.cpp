#include "netns/client/commands.hpp"

namespace crashlab {
namespace {

Command named(const char* cmd) { return Command{{"cmd", cmd}}; }

Command options_object(const SocketOptions& opts) {
  Command o = Command::object();
  for (const SocketOption& opt : opts) o[opt.name] = opt.value;
  return o;
}

void add_options(Command& c, const SocketOptions& opts) {
  if (!opts.empty()) c["opts"] = options_object(opts);
}

}  // namespace

Command listen_command(const std::string& addr, uint16_t port, const SocketOptions& opts) {
  Command c = named("listen");
  c["addr"] = addr;
  c["port"] = port;
  add_options(c, opts);
  return c;
}

Command accept_command(const SocketOptions& opts) {
  Command c = named("accept");
  add_options(c, opts);
  return c;
}

Command connect_command(const ConnectTo& to) {
  Command c = named("connect");
  c["addr"] = to.addr;
  c["port"] = to.port;
  if (!to.bind_addr.empty()) c["bind"] = to.bind_addr;
  if (to.bind_port != 0) c["bind_port"] = to.bind_port;
  add_options(c, to.opts);
  return c;
}

Command send_command(int64_t bytes) {
  Command c = named("send");
  c["bytes"] = bytes;
  return c;
}

Command close_command() { return named("close"); }

Command shutdown_command(ShutdownHow how) {
  Command c = named("shutdown");
  c["how"] = how == ShutdownHow::Read ? "rd" : how == ShutdownHow::Write ? "wr" : "rdwr";
  return c;
}

Command recv_command(bool enable) {
  Command c = named("recv");
  c["enable"] = enable;
  return c;
}

Command setsockopt_command(const SocketOptions& opts) {
  Command c = named("setsockopt");
  c["opts"] = options_object(opts);
  return c;
}

Command periodic_send_command(int64_t bytes, int64_t interval_ms) {
  Command c = named("periodic_send");
  c["bytes"] = bytes;
  c["interval_ms"] = interval_ms;
  return c;
}

Command periodic_stop_command() {
  Command c = named("periodic_send");
  c["stop"] = true;
  return c;
}

Command tcp_info_command() { return named("tcp_info"); }

Command exit_command(int code) {
  Command c = named("exit");
  c["code"] = code;
  return c;
}

}  // namespace crashlab
