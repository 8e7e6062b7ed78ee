#pragma once
#include <sys/types.h>

#include <boost/process/child.hpp>
#include <boost/process/pipe.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netns/host/netns.hpp"
#include "netns/sys/unique_fd.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab {

// A program started inside a network namespace through Boost.Process. The child
// enters the namespace between fork and exec, gets PR_SET_PDEATHSIG(SIGKILL) so it
// dies with the runner (even when the runner is SIGKILLed), and inherits no
// descriptor but its pipes. Destruction kills and reaps it.
//
// PR_SET_PDEATHSIG fires when the *thread* that forked exits: spawn from a thread
// that outlives the process (the test's or the case's own thread).
// What a child does besides entering the namespace, for a program that is not
// crashlab's own (netns/app/): its environment, and a step run in the child after
// setns() and before exec. The step must be async-signal-safe; it returns 0, or an
// errno with `message` naming what failed (the constructor then throws it).
// `report_fd` is the child's channel for that failure: a step that closes
// descriptors must keep it.
struct ChildSetup {
  std::vector<std::string> env;  // "NAME=value"; empty: the runner's own
  std::function<int(int report_fd, const char*& message)> before_exec;
  // before_exec only makes system calls that act on the calling process (open, dup2):
  // the child may then borrow the runner's memory until exec (vfork). Not so for a
  // setup that forks, never execs, or unshares a user namespace (a program's sandbox).
  bool vfork_safe = false;
};

class NsProcess {
 public:
  enum class Stderr { Inherit, ToStdout };  // ToStdout: 2>&1 into the stdout pipe
  NsProcess(const NetNs& ns, const std::string& exe, const std::vector<std::string>& args,
            Stderr err = Stderr::Inherit, const ChildSetup& setup = {});
  NsProcess(const NsProcess&) = delete;
  NsProcess& operator=(const NsProcess&) = delete;
  ~NsProcess();

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return in_.native_sink(); }
  int stdout_fd() const { return out_.native_source(); }
  void close_stdin();

  void signal(int sig) const;
  // Bounded, event-driven (pidfd): the exit status (as waitpid) or nullopt on timeout.
  std::optional<int> wait_exit(milliseconds timeout);
  bool exited() const { return exit_status_.has_value(); }
  // Readable once the process has exited (poll() it beside other sources).
  int pidfd() const { return pidfd_.get(); }

 private:
  boost::process::pipe in_, out_;
  boost::process::child child_;
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  std::optional<int> exit_status_;
};

}  // namespace crashlab
