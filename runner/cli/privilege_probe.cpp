#include "runner/cli/privilege_probe.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace crashlab::runner::cli {

std::optional<std::string> namespace_privilege_problem() {
  int err = 0;
  std::thread probe([&err] { err = ::unshare(CLONE_NEWNET) == 0 ? 0 : errno; });
  probe.join();
  if (err == 0) return std::nullopt;
  return std::string("needs root or a user namespace (unshare(CLONE_NEWNET): ") + std::strerror(err) +
         "): run as root, or as `unshare -Urn crashlab ...`; see README";
}

}  // namespace crashlab::runner::cli
