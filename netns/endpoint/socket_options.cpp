#include "netns/endpoint/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#ifndef TCP_RTO_MAX_MS
#define TCP_RTO_MAX_MS 44  // Linux 6.15+; older kernels reject it with ENOPROTOOPT.
#endif

namespace crashlab {
namespace {

enum class Kind { kInt, kBool, kLinger };

struct OptionSpec {
  const char* name;
  int level;
  int optname;
  Kind kind;
};

constexpr std::array<OptionSpec, 12> kOptions = {{
    {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, Kind::kBool},
    {"TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, Kind::kInt},
    {"TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, Kind::kInt},
    {"TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, Kind::kInt},
    {"TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, Kind::kInt},
    {"SO_LINGER", SOL_SOCKET, SO_LINGER, Kind::kLinger},
    {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, Kind::kBool},
    {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, Kind::kInt},
    {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, Kind::kInt},
    {"TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT, Kind::kInt},
    {"TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, Kind::kInt},
    {"TCP_RTO_MAX_MS", IPPROTO_TCP, TCP_RTO_MAX_MS, Kind::kInt},
}};

const OptionSpec* find_option(const std::string& name) {
  for (const OptionSpec& o : kOptions)
    if (name == o.name) return &o;
  return nullptr;
}

}  // namespace

bool is_known_socket_option(const std::string& name) { return find_option(name) != nullptr; }

std::vector<std::string> known_socket_options() {
  std::vector<std::string> names;
  for (const OptionSpec& o : kOptions) names.emplace_back(o.name);
  return names;
}

bool socket_option_accepts_bool(const std::string& name) {
  const OptionSpec* o = find_option(name);
  return o && o->kind == Kind::kBool;
}

int apply_socket_option(int fd, const std::string& name, int value) {
  const OptionSpec* o = find_option(name);
  if (!o) return EINVAL;
  int rc;
  if (o->kind == Kind::kLinger) {
    // -1 disables lingering; n >= 0 lingers n seconds (0: close() sends a RST).
    if (value < -1) return EINVAL;
    const linger l{value >= 0 ? 1 : 0, value >= 0 ? value : 0};
    rc = setsockopt(fd, o->level, o->optname, &l, sizeof l);
  } else {
    rc = setsockopt(fd, o->level, o->optname, &value, sizeof value);
  }
  return rc == 0 ? 0 : errno;
}

}  // namespace crashlab
