#include "runner/cli/run/privilege_probe.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "netns/client/endpoint_binary.hpp"

namespace crashlab::runner::cli {

std::optional<std::string> namespace_privilege_problem() {
  int err = 0;
  std::thread probe([&err] { err = ::unshare(CLONE_NEWNET) == 0 ? 0 : errno; });
  probe.join();
  if (err == 0) return std::nullopt;
  return std::string("needs root or a user namespace (unshare(CLONE_NEWNET): ") + std::strerror(err) +
         "): run as root, or as `unshare -Urn crashlab ...`; see README";
}

std::optional<std::string> cannot_run_cases() {
  if (auto problem = namespace_privilege_problem()) return problem;
  try {
    endpoint_binary();
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace crashlab::runner::cli
