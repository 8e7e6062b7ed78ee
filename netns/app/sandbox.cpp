#include "netns/app/sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>

namespace crashlab::app {

namespace {
constexpr const char* kPrepareLog = "/tmp/.crashlab-prepare.log";
// nobody: on every Debian system, so programs that look up their user find one.
constexpr const char* kInnerUidMap = "65534 0 1\n";
constexpr size_t kMessageCapacity = 1024;

int write_file(const char* path, const char* text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t n = ::write(fd, text, std::strlen(text));
  const int err = n < 0 ? errno : 0;
  ::close(fd);
  return err;
}

// A user namespace of its own, where the caller's user is `uid_map`'s first field.
int enter_user_namespace(const char* uid_map, const char* gid_map, const char*& message) {
  if (::unshare(CLONE_NEWUSER) != 0) return message = "unshare(CLONE_NEWUSER) for the program", errno;
  if (int e = write_file("/proc/self/setgroups", "deny")) return message = "write /proc/self/setgroups", e;
  if (int e = write_file("/proc/self/uid_map", uid_map)) return message = "write the program's uid_map", e;
  if (int e = write_file("/proc/self/gid_map", gid_map)) return message = "write the program's gid_map", e;
  return 0;
}
}  // namespace

SandboxSetup::SandboxSetup(const Sandbox& s)
    : prepare_(s.prepare), env_(s.env), as_nobody_(s.as_nobody), prepare_timeout_s_(s.prepare_timeout_s) {
  for (auto& args : prepare_) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    argv_.push_back(std::move(argv));
  }
  for (auto& kv : env_) envp_.push_back(kv.data());
  envp_.push_back(nullptr);
  outer_uid_map_ = "0 " + std::to_string(::geteuid()) + " 1\n";
  outer_gid_map_ = "0 " + std::to_string(::getegid()) + " 1\n";
  message_.assign(kMessageCapacity, '\0');
}

ChildSetup SandboxSetup::child_setup() const {
  return {env_, [this](int report_fd, const char*& message) { return run(report_fd, message); }};
}

namespace {
// Closes every descriptor from 3 up but `a` and `b` (-1: none), so that no pipe or
// namespace of the runner's stays open in a process that will not exec soon.
void close_all_but(int a, int b) {
  int keep[2] = {std::min(a, b), std::max(a, b)};
  unsigned from = 3;
  for (int k : keep) {
    if (k < 3) continue;
    if (unsigned(k) > from) ::syscall(SYS_close_range, from, unsigned(k) - 1, 0U);
    from = unsigned(k) + 1;
  }
  ::syscall(SYS_close_range, from, ~0U, 0U);
}

// The process the runner started stays outside, as the parent of the program: it
// waits for it and ends as it ended, so the runner sees the program's exit. Never returns.
[[noreturn]] void mirror(pid_t program) {
  int status = 0;
  while (::waitpid(program, &status, 0) < 0)
    if (errno != EINTR) ::_exit(127);
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  ::signal(sig, SIG_DFL);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}
}  // namespace

int SandboxSetup::run(int report_fd, const char*& message) const {
  // Root of a user namespace of its own first: that may make a mount namespace and
  // mount a tmpfs, as root and as an unprivileged user under `unshare -Urn` alike.
  if (int e = enter_user_namespace(outer_uid_map_.c_str(), outer_gid_map_.c_str(), message)) return e;
  if (::unshare(CLONE_NEWNS) != 0) return message = "unshare(CLONE_NEWNS) for the program's private /tmp", errno;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return message = "make the program's mounts private", errno;
  if (::mount("tmpfs", kPrivateDir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=1g") != 0)
    return message = "mount the program's private /tmp", errno;
  if (::chdir(kPrivateDir) != 0) return message = "chdir to the program's private /tmp", errno;
  // A PID namespace of its own, whose first process is the program: when it dies
  // (with the runner, through PR_SET_PDEATHSIG down the chain), the kernel kills
  // every process it started, daemons and forked children included.
  if (::unshare(CLONE_NEWPID) != 0) return message = "unshare(CLONE_NEWPID) for the program", errno;
  int alive[2];
  if (::pipe2(alive, O_CLOEXEC) != 0) return message = "pipe for the program's parent", errno;
  const pid_t program = ::fork();
  if (program < 0) return message = "fork the program", errno;
  if (program > 0) {
    close_all_but(alive[1], -1);  // holds `alive` open for the program, and nothing else
    mirror(program);
  }
  ::close(alive[1]);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return message = "PR_SET_PDEATHSIG for the program", errno;
  pollfd parent{alive[0], POLLIN, 0};
  if (::poll(&parent, 1, 0) != 0) ::_exit(127);  // its parent died before the prctl: so must it
  ::close(alive[0]);
  close_all_but(report_fd, -1);  // a runner's pipe held through a slow prepare would stall the runner's other starts
  // Then nobody, in a namespace nested in that one: exec drops every capability.
  if (as_nobody_)
    if (int e = enter_user_namespace(kInnerUidMap, kInnerUidMap, message)) return e;
  for (size_t i = 0; i < argv_.size(); ++i)
    if (int e = run_prepare(i, message)) return e;
  return 0;
}

int SandboxSetup::run_prepare(size_t i, const char*& message) const {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return message = "fork a prepare command", errno;
  if (pid == 0) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    const int log = ::open(kPrepareLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, 0);  // a prepare step that reads stdin must not wait for the runner
    ::alarm(prepare_timeout_s_);     // nor run for ever: SIGALRM ends it, and the failure says so
    ::execve(argv_[i][0], argv_[i].data(), const_cast<char* const*>(envp_.data()));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return message = "wait for a prepare command", errno;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  // "prepare[1] (/usr/lib/.../initdb) exited with 1: <the end of its output>"
  char head[256];
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int n = std::snprintf(head, sizeof head, "prepare[%zu] (%s) %s %d: ", i, argv_[i][0],
                        WIFEXITED(status) ? "exited with" : "was killed by signal", code - (WIFEXITED(status) ? 0 : 128));
  char* buf = message_.data();
  n = n < 0 ? 0 : std::min<int>(n, int(sizeof head) - 1);
  std::memcpy(buf, head, size_t(n));
  size_t used = size_t(n);
  const int log = ::open(kPrepareLog, O_RDONLY | O_CLOEXEC);
  if (log >= 0) {
    const off_t size = ::lseek(log, 0, SEEK_END);
    const size_t room = kMessageCapacity - 1 - used;
    ::lseek(log, size > off_t(room) ? size - off_t(room) : 0, SEEK_SET);
    const ssize_t got = ::read(log, buf + used, room);
    if (got > 0) used += size_t(got);
    ::close(log);
  }
  while (used > 0 && (buf[used - 1] == '\n' || buf[used - 1] == ' ')) --used;
  buf[used] = '\0';
  message = buf;
  return ECANCELED;
}

}  // namespace crashlab::app
