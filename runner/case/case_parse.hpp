#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// Parses and validates strictly: unknown keys, wrong types, unknown roles, faults,
// states, errno names, socket options, and absurd times are errors naming the
// file and the field. Sysctl names are checked against /proc/sys of the
// namespace the caller is in (see sysctl_names.hpp).
// A case that lists both address families ("ip": ["ipv4", "ipv6"]) gives its
// IPv4 spec, after both were validated (parse_case_families has them all).
CaseSpec parse_case(const nlohmann::json& j, const std::string& file, const std::string& name);

// One spec per address family the case holds in; the IPv6 run of a case that is
// not IPv6-only is named NAME@ipv6. `only` ("ipv4" or "ipv6", run --ip) runs the
// case in that family alone, whatever it lists. Each family is validated as a
// case of its own (an IPv4-only field is refused for IPv6).
std::vector<CaseSpec> parse_case_families(const nlohmann::json& j, const std::string& file, const std::string& name,
                                          const std::optional<std::string>& only = {});
// A case for one family: "ip" is "ipv4" or "ipv6" (or absent).
CaseSpec parse_one_family(const nlohmann::json& j, const std::string& file, const std::string& name);

// One socket option of a case or a --set, through the endpoint's own validator.
SocketOption socket_option_field(const Fields& f, const std::string& field, const std::string& name,
                                 const nlohmann::json& value);

}  // namespace crashlab::runner
