#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/json/fields.hpp"

namespace crashlab::runner {

// A case's sysctl assignment: the name must be a per-namespace net.* setting this
// kernel has, the value an integer or a string; returns the value as text.
std::string sysctl_assignment(const Fields& f, const std::string& field, const std::string& name,
                              const nlohmann::json& value);

}  // namespace crashlab::runner
