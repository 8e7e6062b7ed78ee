// Before any Boost header (netns/sys/process.hpp has some): Boost 1.74 compiles its vfork
// launcher only where glibc's feature macros say POSIX.1-2001, which still had vfork.
#ifndef BOOST_POSIX_HAS_VFORK
#define BOOST_POSIX_HAS_VFORK 1
#endif
#include "netns/sys/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/args.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/posix.hpp>

#include "netns/sys/errors.hpp"

namespace bp = boost::process;

namespace crashlab {

namespace {
// A failure in the child, reported through `report_fd` as "<errno> <what>" in one
// write (so the runner never reads half of it), then _exit: Boost's set_error()
// would go on to exec the program anyway.
[[noreturn]] void fail_in_child(int report_fd, int err, const char* what) {
  char buf[512];
  size_t n = 0;
  char digits[16];
  size_t d = 0;
  for (unsigned v = unsigned(err); d == 0 || v > 0; v /= 10) digits[d++] = char('0' + v % 10);
  while (d > 0 && n < sizeof buf) buf[n++] = digits[--d];
  if (n < sizeof buf) buf[n++] = ' ';
  for (const char* c = what; *c && n < sizeof buf; ++c) buf[n++] = *c;
  [[maybe_unused]] ssize_t w = ::write(report_fd, buf, n);
  ::_exit(127);
}

// Runs in the child between fork and exec. ns_fd -1: stay (see the constructor).
auto enter_namespace(int ns_fd, pid_t runner, int report_fd, const ChildSetup& setup) {
  return bp::extend::on_exec_setup = [ns_fd, runner, report_fd, &setup](auto&) {
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) fail_in_child(report_fd, errno, "setns into the test namespace");
    // A process group of its own. A frozen (SIGSTOPped) child left in the runner's group
    // makes it a group with stopped jobs, and the kernel's orphaned-group rule
    // (kill_orphaned_pgrp()) then sends SIGHUP and SIGCONT to the whole group when the
    // group's last link to its session's other groups goes: a frozen server woke and sent,
    // and a program's initdb died of SIGHUP, in the soak's 510 cases at once. A terminal's
    // Ctrl-C then reaches the runner alone, which ends its children (PR_SET_PDEATHSIG below).
    ::setpgid(0, 0);
    // The runner may have died between fork and prctl; then no signal would come.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != runner) ::_exit(127);
    // Inherited namespace fds or netlink sockets would keep test namespaces alive.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (setup.before_exec) {
      const char* message = "prepare the program";
      if (int err = setup.before_exec(report_fd, message)) fail_in_child(report_fd, err, message);
    }
  };
}

// What fail_in_child() reported, once every copy of the pipe's write end is closed
// (at exec, or at the child's exit); nullopt if it exec'd.
std::optional<std::pair<int, std::string>> read_child_report(int read_fd) {
  std::string text;
  char buf[512];
  for (ssize_t n; (n = ::read(read_fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, size_t(n));
  }
  if (text.empty()) return std::nullopt;
  const size_t sp = text.find(' ');
  return std::pair{std::atoi(text.substr(0, sp).c_str()), sp == std::string::npos ? "" : text.substr(sp + 1)};
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
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw_errno("pipe for the child's start");
  UniqueFd report_read(report[0]), report_write(report[1]);
  // vfork where the child's setup allows it: the child borrows the runner's memory until
  // it execs, so no page table is copied and no copy-on-write page faults follow (with
  // 100 cases at once, fork was a large share of the runner's CPU).
  std::error_code launch_error;  // Boost's vfork launcher reports through one
  const auto start = [&](auto&&... how) {
    if (err == Stderr::ToStdout)
      return bp::child(bp::exe = exe, bp::args = args, bp::env = env, bp::std_in < in_, (bp::std_out & bp::std_err) > out_,
                       enter_namespace(ns_fd, ::getpid(), report[1], setup), how...);
    return bp::child(bp::exe = exe, bp::args = args, bp::env = env, bp::std_in < in_, bp::std_out > out_,
                     enter_namespace(ns_fd, ::getpid(), report[1], setup), how...);
  };
  const bool vfork = !setup.before_exec || setup.vfork_safe;
  child_ = vfork ? start(bp::posix::use_vfork, launch_error) : start(launch_error);
  if (launch_error) throw std::system_error(launch_error, "start " + exe);
  pid_ = child_.id();
  report_write.reset();
  if (auto failed = read_child_report(report_read.get())) {
    int status = 0;
    ::waitpid(pid_, &status, 0);  // it _exit()ed after reporting
    child_.detach();
    throw std::system_error(failed->first, std::system_category(), failed->second);
  }
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
