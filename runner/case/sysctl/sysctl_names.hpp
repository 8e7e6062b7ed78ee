#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "runner/json/fields.hpp"

namespace crashlab::runner {

// A case's sysctl assignment, checked as the kernel would take it: the name must be
// a writable net.* sysctl of a fresh network namespace (eth0's per-interface names
// as "default", neigh ones as "lo"), the value of the same shape as its current one there (N integers
// in int range, or a string), within the kernel's range for the sysctls the model
// reads. Returns the value as text, whitespace normalised.
std::string sysctl_assignment(const Fields& f, const std::string& field, const std::string& name,
                              const nlohmann::json& value);

}  // namespace crashlab::runner
