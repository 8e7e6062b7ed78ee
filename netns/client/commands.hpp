#pragma once
// The endpoint's commands as JSON (docs/endpoint-protocol.md): the only place
// outside the program itself where a {"cmd": ...} object is written.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "netns/endpoint/socket_options.hpp"

namespace crashlab {

// Ordered, so that socket options go out (and are applied) in the order given.
using Command = nlohmann::ordered_json;

struct Bound {
  std::string addr;
  uint16_t port = 0;
};

struct ConnectTo {
  std::string addr;
  uint16_t port = 0;
  std::string bind_addr{};  // empty: the kernel picks
  uint16_t bind_port = 0;   // needs bind_addr
  SocketOptions opts{};     // applied before connect(2)
};

enum class ShutdownHow { Read, Write, Both };

Command listen_command(const std::string& addr, uint16_t port, const SocketOptions& opts);
Command accept_command(const SocketOptions& opts);
Command connect_command(const ConnectTo& to);
Command send_command(int64_t bytes);
Command close_command();
Command shutdown_command(ShutdownHow how);
Command recv_command(bool enable);
Command setsockopt_command(const SocketOptions& opts);
Command periodic_send_command(int64_t bytes, int64_t interval_ms);
Command periodic_stop_command();
Command tcp_info_command();
Command exit_command(int code);

}  // namespace crashlab
