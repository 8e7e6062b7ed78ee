#pragma once
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// A wake-up flag another thread can block on with poll(): signal() makes the fd
// readable until take() reads it. Signals before a take() merge into one.
class EventFd {
 public:
  EventFd();  // non-blocking, close-on-exec; throws on failure

  int fd() const { return fd_.get(); }
  void signal() const;  // from any thread; never blocks
  bool take() const;    // clears the flag; true if it was set

 private:
  UniqueFd fd_;
};

}  // namespace crashlab
