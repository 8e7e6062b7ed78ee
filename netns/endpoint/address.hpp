#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace crashlab::endpoint {

// An IPv4 or IPv6 socket address.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }

  std::string host() const;             // "10.0.0.1", "fd00::1"
  int port() const;
  std::string to_string() const;        // "10.0.0.1:5000", "[fd00::1]:5000"
};

// A numeric address (the family follows from its form); nullopt if it is neither.
std::optional<SocketAddress> parse_socket_address(const std::string& host, uint16_t port);

// getsockname(2); an empty address (to_string() "?") if it fails.
SocketAddress local_address(int fd);

}  // namespace crashlab::endpoint
