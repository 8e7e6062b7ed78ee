#pragma once
#include <sys/types.h>

#include <string>

#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// A child that only waits for this process to go away (EOF on a pipe whose write
// end only we hold, close-on-exec), then removes a tracefs instance directory. It
// keeps the calling thread's private mount namespace (start it inside
// with_private_tracefs), so it can reach the instance with nothing mounted anywhere
// else. Between fork and _exit it makes only raw system calls.
class InstanceReaper {
 public:
  explicit InstanceReaper(const std::string& instance_path);  // throws TraceUnavailable
  // Closes the pipe, so the reaper removes the (by now unused) instance and exits.
  // True once it has (or was reaped by someone else: SIGCHLD ignored); false if it
  // failed, is stuck (bounded: 10 s) or died early.
  bool release_and_wait();

  InstanceReaper(const InstanceReaper&) = delete;
  InstanceReaper& operator=(const InstanceReaper&) = delete;

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_, pipe_;
};

}  // namespace crashlab
