#include "netns/endpoint/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <climits>
#include <stdexcept>

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
  int min, max;  // what the kernel accepts (net/ipv4/tcp.c do_tcp_setsockopt, net/core/sock.c)
};

// Ranges: MAX_TCP_KEEPIDLE/KEEPINTVL 32767 s, MAX_TCP_KEEPCNT and MAX_TCP_SYNCNT 127,
// TCP_MAXSEG 0 or TCP_MIN_MSS (88) to MAX_TCP_WINDOW, tcp_rto_max_ms 1000-120000.
constexpr std::array<OptionSpec, 12> kOptions = {{
    {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, Kind::kBool, 0, 1},
    {"TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, Kind::kInt, 1, 32767},
    {"TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, Kind::kInt, 1, 32767},
    {"TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, Kind::kInt, 1, 127},
    {"TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, Kind::kInt, 0, INT_MAX},
    {"SO_LINGER", SOL_SOCKET, SO_LINGER, Kind::kLinger, -1, INT_MAX},
    {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, Kind::kBool, 0, 1},
    {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, Kind::kInt, 0, INT_MAX},
    {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, Kind::kInt, 0, INT_MAX},
    {"TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT, Kind::kInt, 1, 127},
    {"TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG, Kind::kInt, 0, 65535},
    {"TCP_RTO_MAX_MS", IPPROTO_TCP, TCP_RTO_MAX_MS, Kind::kInt, 1000, 120000},
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

std::optional<SocketOptionRange> socket_option_range(const std::string& name) {
  const OptionSpec* o = find_option(name);
  if (!o) return std::nullopt;
  return SocketOptionRange{o->min, o->max};
}

bool socket_option_accepts_bool(const std::string& name) {
  const OptionSpec* o = find_option(name);
  return o && o->kind == Kind::kBool;
}

SocketOptionCheck check_socket_option(const std::string& name, const nlohmann::json& value) {
  const OptionSpec* o = find_option(name);
  if (!o) return {std::nullopt, "unknown socket option (known: SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, "
                                "TCP_USER_TIMEOUT, SO_LINGER, TCP_NODELAY, SO_SNDBUF, SO_RCVBUF, TCP_SYNCNT, "
                                "TCP_MAXSEG, TCP_RTO_MAX_MS)"};
  if (o->kind == Kind::kBool && value.is_boolean()) return {SocketOption{name, value.get<bool>() ? 1 : 0}, ""};
  const std::string kind = o->kind == Kind::kBool ? "a boolean or 0/1" : "an integer";
  if (!value.is_number_integer()) return {std::nullopt, "must be " + kind + ", got " + value.dump().substr(0, 40)};
  // An unsigned value above INT64_MAX must not wrap into range.
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT_MAX))
    return {std::nullopt, value.dump() + " is out of range [" + std::to_string(o->min) + ", " + std::to_string(o->max) + "]"};
  const int64_t v = value.get<int64_t>();
  if (v < o->min || v > o->max)
    return {std::nullopt, std::to_string(v) + " is out of range [" + std::to_string(o->min) + ", " + std::to_string(o->max) + "]"};
  if (name == "TCP_MAXSEG" && v != 0 && v < 88) return {std::nullopt, "must be 0 or at least 88 (TCP_MIN_MSS)"};
  return {SocketOption{name, int(v)}, ""};
}

SocketOptions socket_options_from_json(const nlohmann::json& object) {
  if (!object.is_object()) throw std::invalid_argument("socket options must be a JSON object, got " + object.dump());
  SocketOptions opts;
  for (const auto& [name, value] : object.items()) {
    const SocketOptionCheck c = check_socket_option(name, value);
    if (!c.option) throw std::invalid_argument("socket option " + name + ": " + c.problem);
    opts.push_back(*c.option);
  }
  return opts;
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

namespace crashlab {

std::optional<int> read_socket_option(int fd, const std::string& name) {
  const OptionSpec* o = find_option(name);
  if (!o) return std::nullopt;
  if (o->kind == Kind::kLinger) {
    linger l{};
    socklen_t len = sizeof l;
    if (getsockopt(fd, o->level, o->optname, &l, &len) != 0) return std::nullopt;
    return l.l_onoff ? l.l_linger : -1;
  }
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, o->level, o->optname, &value, &len) != 0) return std::nullopt;
  return value;
}

}  // namespace crashlab
