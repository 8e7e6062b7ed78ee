#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace crashlab {

// One socket option as an endpoint sets it, e.g. {"TCP_USER_TIMEOUT", 5000}.
struct SocketOption {
  std::string name;
  int value;
};
// Applied in order (docs/endpoint-protocol.md).
using SocketOptions = std::vector<SocketOption>;

// The socket options an endpoint command's "opts" object may name
// (docs/endpoint-protocol.md), e.g. "TCP_USER_TIMEOUT".
bool is_known_socket_option(const std::string& name);
std::vector<std::string> known_socket_options();

// The values the kernel accepts for an option (do_tcp_setsockopt, sk_setsockopt),
// or nullopt for an unknown name. TCP_MAXSEG also refuses 1..87.
struct SocketOptionRange {
  int min, max;
};
std::optional<SocketOptionRange> socket_option_range(const std::string& name);

// True for on/off options, whose JSON value may be a boolean as well as an integer.
bool socket_option_accepts_bool(const std::string& name);

// The one validator of a socket option's JSON value, used by the endpoint program,
// the case parser and --set: the option as the endpoint would set it, or why the
// value is not acceptable ("unknown socket option", "must be a boolean or a 32-bit
// integer", "must be at least 1", ...).
struct SocketOptionCheck {
  std::optional<SocketOption> option;
  std::string problem;  // set when !option
};
SocketOptionCheck check_socket_option(const std::string& name, const nlohmann::json& value);

// A JSON object of options (a case's "sockets" entry) as the endpoint would set
// them, in the object's order; throws std::invalid_argument naming the first bad one.
SocketOptions socket_options_from_json(const nlohmann::json& object);

// Sets option `name` to `value` on `fd`. Returns 0, or an errno: EINVAL for an
// unknown name or a value out of range, else what setsockopt(2) failed with.
int apply_socket_option(int fd, const std::string& name, int value);

// The value of option `name` on `fd` as apply_socket_option() would have set it
// (SO_LINGER: -1 when off); nullopt for an unknown name or a failed getsockopt().
std::optional<int> read_socket_option(int fd, const std::string& name);

}  // namespace crashlab
