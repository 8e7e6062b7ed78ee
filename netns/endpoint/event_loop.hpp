#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "netns/endpoint/command_args.hpp"
#include "netns/endpoint/connection.hpp"
#include "netns/endpoint/emitter.hpp"
#include "netns/endpoint/line_reader.hpp"
#include "netns/endpoint/periodic_timer.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab::endpoint {

// crashlab-endpoint: one poll() loop over stdin (JSON-lines commands), a listening
// socket, one connection and a periodic-send timer; every event goes to stdout as
// one JSON line. The protocol is in docs/endpoint-protocol.md.
class EventLoop {
 public:
  EventLoop();
  // Runs until stdin ends; returns the exit code.
  int run();

 private:
  using Handler = void (EventLoop::*)(CommandArgs&, const Json& id);

  // event_loop.cpp: socket and timer events
  bool read_commands();  // false at stdin EOF
  void on_connection(short revents);
  void on_listener();
  void on_timer();
  void install_connection(std::unique_ptr<Connection> conn);
  bool apply_options(int fd, const SocketOptions& opts, const Json& id);
  void stop_periodic(const std::string& reason);
  void stop_periodic_if_send_failed();

  // commands.cpp
  void handle_line(const std::string& line);
  static Handler find_handler(const std::string& cmd);
  void cmd_listen(CommandArgs& args, const Json& id);
  void cmd_accept(CommandArgs& args, const Json& id);
  void cmd_connect(CommandArgs& args, const Json& id);
  void cmd_setsockopt(CommandArgs& args, const Json& id);
  void cmd_send(CommandArgs& args, const Json& id);
  void cmd_periodic_send(CommandArgs& args, const Json& id);
  void cmd_recv(CommandArgs& args, const Json& id);
  void cmd_shutdown(CommandArgs& args, const Json& id);
  void cmd_close(CommandArgs& args, const Json& id);
  void cmd_tcp_info(CommandArgs& args, const Json& id);
  void cmd_exit(CommandArgs& args, const Json& id);
  Connection& connection(const std::string& op);  // fails with ENOTCONN if none

  Emitter out_;
  LineReader commands_;

  UniqueFd listener_;
  bool accept_armed_ = false;
  SocketOptions accept_opts_;
  Json accept_id_;

  std::unique_ptr<Connection> conn_;
  bool reading_ = false;  // "recv" enabled; outlives connections

  PeriodicTimer periodic_;
  uint64_t periodic_bytes_ = 0;
  Json periodic_id_;
};

}  // namespace crashlab::endpoint
