#pragma once
// Whether this process can run cases at all, found by trying: it may create network
// namespaces, and the endpoint binary is where the runner looks for it.
#include <optional>
#include <string>

namespace crashlab::runner::cli {

// Runs unshare(CLONE_NEWNET) on a short-lived thread (the namespace goes with the
// thread; the process's own namespace is untouched). Returns the one-line refusal
// when it fails.
std::optional<std::string> namespace_privilege_problem();

// The privilege first, then the endpoint binary (netns/client/endpoint_binary.hpp):
// the one-line reason no case can run, before any is tried.
std::optional<std::string> cannot_run_cases();

}  // namespace crashlab::runner::cli
