#include "netns/observe/tracefs/instance_reaper.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <utility>

#include "netns/observe/trace/trace_unavailable.hpp"

namespace crashlab {

InstanceReaper::InstanceReaper(const std::string& instance_path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail_trace("pipe2", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  const char* c_path = instance_path.c_str();  // no allocation after fork
  const pid_t pid = ::fork();
  if (pid < 0) fail_trace("fork (tracefs instance reaper)", errno);
  if (pid == 0) {
    sigset_t all;
    ::sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, nullptr);  // only SIGKILL stops it
    ::setpgid(0, 0);                          // out of the caller's process group
    ::prctl(PR_SET_NAME, "crashlab-tracefs", 0, 0, 0);
    ::dup2(read_end.get(), 0);
    ::syscall(SYS_close_range, 1u, ~0u, 0u);  // hold nothing of the parent's: fds, pipes, namespaces
    for (char byte;;) {
      const ssize_t r = ::read(0, &byte, 1);
      if (r == 0 || (r < 0 && errno != EINTR)) break;
    }
    // The parent's files may take a moment to be released after it is gone.
    const timespec pause{0, 10'000'000};
    int removed = ::rmdir(c_path);
    for (int i = 0; i < 500 && removed != 0 && errno == EBUSY; ++i) {
      ::nanosleep(&pause, nullptr);
      removed = ::rmdir(c_path);
    }
    ::_exit(removed == 0 || errno == ENOENT ? 0 : 1);
  }
  pid_ = pid;
  pidfd_ = UniqueFd(int(::syscall(SYS_pidfd_open, pid, 0)));
  pipe_ = std::move(write_end);
}

bool InstanceReaper::release_and_wait() {
  pipe_.reset();
  if (pid_ <= 0) return false;
  if (pidfd_) {
    pollfd p{pidfd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 10'000) != 1) return false;
  }
  int status = 0;
  const pid_t pid = std::exchange(pid_, -1);
  const pid_t r = ::waitpid(pid, &status, pidfd_ ? WNOHANG : 0);
  if (r < 0) return errno == ECHILD;
  return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace crashlab
