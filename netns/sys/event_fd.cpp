#include "netns/sys/event_fd.hpp"

#include <sys/eventfd.h>

#include "netns/sys/errors.hpp"

namespace crashlab {

EventFd::EventFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!fd_) throw_errno("eventfd");
}

void EventFd::signal() const {
  const uint64_t one = 1;
  // Only fails when the counter would overflow (it is already readable) or the fd is bad.
  [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);
}

bool EventFd::take() const {
  uint64_t count = 0;
  return ::read(fd_.get(), &count, sizeof count) == ssize_t(sizeof count);
}

}  // namespace crashlab
