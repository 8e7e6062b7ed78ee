#pragma once
#include <string>
#include <vector>

namespace crashlab {

// The socket options an endpoint command's "opts" object may name
// (docs/endpoint-protocol.md), e.g. "TCP_USER_TIMEOUT".
bool is_known_socket_option(const std::string& name);
std::vector<std::string> known_socket_options();

// True for on/off options, whose JSON value may be a boolean as well as an integer.
bool socket_option_accepts_bool(const std::string& name);

// Sets option `name` to `value` on `fd`. Returns 0, or an errno: EINVAL for an
// unknown name or a value out of range, else what setsockopt(2) failed with.
int apply_socket_option(int fd, const std::string& name, int value);

}  // namespace crashlab
