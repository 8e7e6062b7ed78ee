// netns/sys/process.cpp: a started child is the leader of a process group of its own, so a
// frozen one never makes the runner's group one with stopped jobs. The kernel's rule
// (kernel/exit.c, kill_orphaned_pgrp()): when a process whose parent is in another
// group of the same session exits, and its group is left with no member whose parent is
// in another group of that session, and a member of the group is stopped, every member
// gets SIGHUP and SIGCONT. The tests build that moment in a runner of their own (a
// forked process in a session of its own) and look at whether the stopped child woke.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <string>

#include "netns/sys/process.hpp"

using namespace crashlab;

namespace {
// The state letter of /proc/PID/stat: 'T' stopped, 'S' sleeping...
char state_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() ? '?' : text[paren + 2];
}

// Blocks until the child `pid` has stopped (the caller is its parent); false if it ended.
bool wait_until_stopped(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, id_t(pid), &info, WSTOPPED | WEXITED | WNOWAIT) == 0 && info.si_code == CLD_STOPPED;
}

// In the calling runner's session: a helper in a group of its own forks a process that
// joins the runner's group and exits. Its exit is the moment the rule looks at.
void exit_a_member_whose_parent_is_in_another_group() {
  const pid_t runner_group = ::getpgrp();
  const pid_t helper = ::fork();
  if (helper == 0) {
    ::setpgid(0, 0);
    const pid_t member = ::fork();
    if (member == 0) _exit(::setpgid(0, runner_group) == 0 ? 0 : 1);
    int status = 0;
    ::waitpid(member, &status, 0);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  }
  int status = 0;
  ::waitpid(helper, &status, 0);
}

// Exit codes of the runner below.
constexpr int kStillStopped = 10, kWoke = 11, kNotStopped = 12, kFailed = 13;

// A runner in a session of its own starts a child (`spawn`), stops it, lets the moment
// happen and reports whether the child is still stopped.
template <class Spawn>
int run_runner(Spawn spawn) {
  const pid_t runner = ::fork();
  if (runner == 0) {
    if (::setsid() < 0) _exit(kFailed);
    try {
      auto child = spawn();
      const pid_t pid = child.first;
      ::kill(pid, SIGSTOP);
      if (!wait_until_stopped(pid)) _exit(kNotStopped);
      ::signal(SIGHUP, SIG_IGN);  // the runner's own group gets SIGHUP when the rule fires
      exit_a_member_whose_parent_is_in_another_group();
      const char state = state_of(pid);  // the rule's signals come with the member's exit
      ::kill(pid, SIGKILL);
      child.second();
      _exit(state == 'T' ? kStillStopped : kWoke);
    } catch (...) {
      _exit(kFailed);
    }
  }
  int status = 0;
  ::waitpid(runner, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : kFailed;
}
}  // namespace

// The control: the rule is real here, so the test below can fail. A plain fork() child
// stays in its parent's group and wakes.
TEST(ProcessGroup, AStoppedChildInTheRunnersGroupIsWokenByTheOrphanedGroupRule) {
  const int result = run_runner([] {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::pause();
      _exit(0);
    }
    return std::pair{pid, std::function<void()>([pid] { ::waitpid(pid, nullptr, 0); })};
  });
  EXPECT_EQ(result, kWoke) << "10: still stopped, 11: woke, 12: never stopped, 13: the runner failed";
}

TEST(ProcessGroup, AStartedChildLeadsAGroupOfItsOwn) {
  NsProcess p(NetNs::current(), "/bin/sleep", {"100"});
  EXPECT_EQ(::getpgid(p.pid()), p.pid());
}

TEST(ProcessGroup, AStartedChildStaysFrozenWhenTheRuleFiresForTheRunnersGroup) {
  const int result = run_runner([] {
    auto* p = new NsProcess(NetNs::current(), "/bin/sleep", {"100"});
    return std::pair{p->pid(), std::function<void()>([p] { delete p; })};
  });
  EXPECT_EQ(result, kStillStopped) << "10: still stopped, 11: woke, 12: never stopped, 13: the runner failed";
}
