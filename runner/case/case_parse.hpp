#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/case/case_spec.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// Parses and validates strictly: unknown keys, wrong types, unknown roles, faults,
// states, errno names, socket options, and absurd times are errors naming the
// file and the field. Sysctl names are checked against /proc/sys of the
// namespace the caller is in (see sysctl_names.hpp).
CaseSpec parse_case(const nlohmann::json& j, const std::string& file, const std::string& name);

// One socket option of a case or a --set, through the endpoint's own validator.
SocketOption socket_option_field(const Fields& f, const std::string& field, const std::string& name,
                                 const nlohmann::json& value);

}  // namespace crashlab::runner
