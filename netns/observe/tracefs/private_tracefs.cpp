#include "netns/observe/tracefs/private_tracefs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include <cerrno>
#include <exception>
#include <thread>

#include "netns/sys/errors.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {
namespace {

void step(bool ok, const std::string& what) {
  if (!ok) throw TracefsUnavailable(what + ": " + errno_name(errno));
}

bool tracefs_at(const char* dir) {
  struct statfs s {};
  return ::statfs(dir, &s) == 0 && s.f_type == TRACEFS_MAGIC;
}

// tracefs has one superblock: where it is mounted already (systemd mounts it at boot),
// mounting it again on the same place is EBUSY, and the mount this namespace copied serves.
bool mount_tracefs() {
  if (::mount("nodev", kPrivateTracingDir, "tracefs", 0, nullptr) == 0) return true;
  const int err = errno;
  if (err == EBUSY && tracefs_at(kPrivateTracingDir)) return true;
  errno = err;
  return false;
}

}  // namespace

void with_private_tracefs(const std::function<void()>& fn) {
  std::exception_ptr failure;
  std::thread([&] {
    try {
      // A reaper forked from here must not keep a case's network namespace alive.
      if (UniqueFd net(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)); net) ::setns(net.get(), CLONE_NEWNET);
      step(::unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS) for a private tracefs mount");
      step(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "mount(\"/\", MS_REC|MS_PRIVATE)");
      // No mount options: tracefs has a single superblock, options would reconfigure it.
      step(mount_tracefs(), std::string("mount(tracefs, ") + kPrivateTracingDir + ") in a private mount namespace");
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  }).join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace crashlab
