#include "netns/process.hpp"

#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/args.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/env.hpp>
#include <boost/process/exe.hpp>

#include "netns/errors.hpp"

namespace bp = boost::process;

namespace crashlab {

namespace {
// Runs in the child between fork and exec. ns_fd -1: stay (see the constructor).
auto enter_namespace(int ns_fd, pid_t runner, const ChildSetup& setup) {
  return bp::extend::on_exec_setup = [ns_fd, runner, &setup](auto& exec) {
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "setns into the test namespace");
      return;
    }
    // The runner may have died between fork and prctl; then no signal would come.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != runner) ::_exit(127);
    // Inherited namespace fds or netlink sockets would keep test namespaces alive.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (setup.before_exec) {
      const char* message = "prepare the program";
      if (int err = setup.before_exec(message)) exec.set_error(std::error_code(err, std::system_category()), message);
    }
  };
}

void close_fd(int fd) {
  if (fd >= 0) ::close(fd);
}
}  // namespace

NsProcess::NsProcess(const NetNs& ns, const std::string& exe, const std::vector<std::string>& args, Stderr err,
                     const ChildSetup& setup) {
  // The child starts in this thread's namespace. setns() into it again would be a
  // no-op that still needs CAP_SYS_ADMIN, so an unprivileged caller could not start
  // a process where it already is.
  const int ns_fd = ns.inode() == NetNs::current().inode() ? -1 : ns.fd();
  bp::environment env = boost::this_process::environment();
  if (!setup.env.empty()) {
    env.clear();
    for (const std::string& kv : setup.env) {
      const auto eq = kv.find('=');
      env[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    }
  }
  if (err == Stderr::ToStdout)
    child_ = bp::child(bp::exe = exe, bp::args = args, bp::env = env, bp::std_in < in_,
                       (bp::std_out & bp::std_err) > out_, enter_namespace(ns_fd, ::getpid(), setup));
  else
    child_ = bp::child(bp::exe = exe, bp::args = args, bp::env = env, bp::std_in < in_, bp::std_out > out_,
                       enter_namespace(ns_fd, ::getpid(), setup));
  pid_ = child_.id();
  // Our copies of the child's ends, so that EOF and EPIPE mean what they say.
  close_fd(in_.native_source());
  in_.assign_source(-1);
  close_fd(out_.native_sink());
  out_.assign_sink(-1);
  pidfd_.reset(int(::syscall(SYS_pidfd_open, pid_, 0)));
  if (!pidfd_) throw_errno("pidfd_open " + std::to_string(pid_));
}

NsProcess::~NsProcess() {
  if (!exit_status_) {
    signal(SIGKILL);
    wait_exit(milliseconds(5000));
  }
  if (!exit_status_) child_.detach();  // never happens for SIGKILL; keeps ~child from terminating us
  close_stdin();
}

void NsProcess::close_stdin() {
  close_fd(in_.native_sink());
  in_.assign_sink(-1);
}

void NsProcess::signal(int sig) const {
  if (!exit_status_) ::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0);
}

std::optional<int> NsProcess::wait_exit(milliseconds timeout) {
  if (exit_status_) return exit_status_;
  pollfd p{pidfd_.get(), POLLIN, 0};
  int rc;
  do rc = ::poll(&p, 1, int(timeout.count()));
  while (rc < 0 && errno == EINTR);
  if (rc <= 0) return std::nullopt;
  int status = -1;
  ::waitpid(pid_, &status, 0);
  exit_status_ = status;
  child_.detach();  // reaped here; Boost must not wait again
  return exit_status_;
}

}  // namespace crashlab
