#include "netns/host/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include "netns/sys/errors.hpp"

namespace crashlab {

namespace {
UniqueFd open_thread_netns() {
  UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno("open /proc/thread-self/ns/net");
  return fd;
}
}  // namespace

NetNs::NetNs(UniqueFd fd) : fd_(std::move(fd)) {
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) throw_errno("fstat netns fd");
  inode_ = st.st_ino;
}

NetNs NetNs::create(const NetNs* parent) {
  UniqueFd fd;
  int err = 0;
  // The thread that unshares is discarded, so the caller's namespace never changes.
  std::thread([&] {
    if ((parent && ::setns(parent->fd(), CLONE_NEWNET) != 0) || ::unshare(CLONE_NEWNET) != 0) {
      err = errno;
      return;
    }
    try {
      fd = open_thread_netns();
    } catch (const std::system_error& e) {
      err = e.code().value();
    }
  }).join();
  if (err) throw_errno("unshare(CLONE_NEWNET)", err);
  NetNs ns(std::move(fd));
  ns.undo_ = UndoAgent::shared().hold_namespace(ns.fd());
  return ns;
}

NetNs& NetNs::operator=(NetNs&& o) noexcept {
  undo_ = std::move(o.undo_);
  fd_ = std::move(o.fd_);
  inode_ = o.inode_;
  return *this;
}

NetNs NetNs::current() { return NetNs(open_thread_netns()); }

void NetNs::enter() const {
  if (::setns(fd_.get(), CLONE_NEWNET) != 0) throw_errno("setns(CLONE_NEWNET)");
}

}  // namespace crashlab
