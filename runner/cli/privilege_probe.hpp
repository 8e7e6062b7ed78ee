#pragma once
// Whether this process may create network namespaces, found by doing it.
#include <optional>
#include <string>

namespace crashlab::runner::cli {

// Runs unshare(CLONE_NEWNET) on a short-lived thread (the namespace goes with the
// thread; the process's own namespace is untouched). Returns the one-line refusal
// when it fails.
std::optional<std::string> namespace_privilege_problem();

}  // namespace crashlab::runner::cli
