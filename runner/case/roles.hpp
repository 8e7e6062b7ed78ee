#pragma once
#include <array>
#include <optional>
#include <string_view>

#include "netns/topology/topology.hpp"

namespace crashlab::runner {

// Both roles, in the order results list them.
inline constexpr std::array<Role, 2> kRoles = {Role::Server, Role::Client};

inline Role other(Role r) { return r == Role::Server ? Role::Client : Role::Server; }

// "server"/"client" -> Role; nullopt for anything else (the JSON edge only).
inline std::optional<Role> parse_role(std::string_view s) {
  for (Role r : kRoles)
    if (s == role_name(r)) return r;
  return std::nullopt;
}

}  // namespace crashlab::runner
