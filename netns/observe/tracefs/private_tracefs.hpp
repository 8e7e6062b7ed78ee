#pragma once
#include <functional>
#include <stdexcept>
#include <string>

namespace crashlab {

// tracefs is unreachable (not mounted and cannot be mounted privately, or unreadable).
struct TracefsUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where with_private_tracefs mounts tracefs; the path means tracefs only inside fn.
inline constexpr const char* kPrivateTracingDir = "/sys/kernel/tracing";

// The one place tracefs gets mounted. Runs fn on a short-lived thread, in the
// process's network namespace (not the caller thread's, which may be a case's), in a
// new private mount namespace with tracefs mounted at kPrivateTracingDir (or already
// there: the copy of the machine's own mount, as systemd makes at boot). Nothing
// propagates out of that namespace, which dies with the thread unless fn hands it to
// a child process. Throws TracefsUnavailable naming the failing step; rethrows fn's
// exception.
void with_private_tracefs(const std::function<void()>& fn);

}  // namespace crashlab
