#pragma once
#include <string>
#include <system_error>

namespace crashlab {

// "ECONNRESET" for ECONNRESET; "E<number>" for anything unnamed.
std::string errno_name(int err);
// errno_name's inverse; returns -1 for an unknown name.
int errno_from_name(const std::string& name);

// Throws std::system_error carrying errno and `what`.
[[noreturn]] void throw_errno(const std::string& what, int err);
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace crashlab
