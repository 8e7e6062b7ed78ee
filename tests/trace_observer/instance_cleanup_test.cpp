// A process's tracefs instance goes away when its last observer does, and when the
// process holding an observer is killed with SIGKILL.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "fixtures/loopback.hpp"
#include "fixtures/tracing.hpp"
#include "netns/observe/tracefs/private_tracefs.hpp"
#include "netns/observe/trace/trace_observer.hpp"
#include "netns/sys/wait.hpp"
#include "tests/trace_observer/loopback_tcp.hpp"

using namespace crashlab;
using namespace crashlab::trace_test;
using namespace std::chrono_literals;

namespace {

// Names of tracefs instances starting with `prefix` (nothing stays mounted).
std::vector<std::string> tracefs_instances(const std::string& prefix) {
  std::vector<std::string> names;
  with_private_tracefs([&] {
    DIR* dir = ::opendir((std::string(kPrivateTracingDir) + "/instances").c_str());
    if (!dir) throw_errno("opendir instances");
    while (const dirent* e = ::readdir(dir))
      if (std::string(e->d_name).starts_with(prefix)) names.push_back(e->d_name);
    ::closedir(dir);
  });
  return names;
}

std::string instance_prefix(pid_t pid) { return "crashlab-" + std::to_string(pid) + "-"; }

using TraceObserverCleanup = TracingTest;

TEST_F(TraceObserverCleanup, InstanceRemovedWithTheLastObserver) {
  UniqueFd listener = bound_socket(0, 8), other = bound_socket(0, 8);
  const uint16_t port = local_port(listener.get()), other_port = local_port(other.get());
  std::vector<std::unique_ptr<TraceObserver>> observers;
  observers.push_back(TraceObserver::start({port}));
  observers.push_back(TraceObserver::start({port}));
  observers.push_back(TraceObserver::start({other_port, port}));
  EXPECT_EQ(tracefs_instances(instance_prefix(::getpid())).size(), 1u) << "one instance shared by our observers";
  { UniqueFd c = connect_to(port), s = accept_one(listener.get()); }
  for (auto& obs : observers) {
    const auto seen = obs->wait_for([&](const KernelEvent& ev) { return ev.dport == port; }, 2s);
    EXPECT_TRUE(seen.has_value()) << "a connection seen";
  }
  observers.clear();
  const auto mine = tracefs_instances(instance_prefix(::getpid()));
  EXPECT_TRUE(mine.empty()) << "no tracefs instance of ours after the last observer (" << mine.size() << ")";
}

TEST_F(TraceObserverCleanup, KilledHolderLeavesNoInstance) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw_errno("pipe2");
  const pid_t child = ::fork();
  if (child < 0) throw_errno("fork");
  if (child == 0) {
    ::dup2(out[1], 1);
    ::execl(CRASHLAB_OBSERVER_HOLDER, "observer_holder", nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  UniqueFd from_child(out[0]);
  char buf[16] = {};
  pollfd p{from_child.get(), POLLIN, 0};
  const bool ready = ::poll(&p, 1, 10'000) == 1 && ::read(from_child.get(), buf, sizeof buf - 1) > 0 &&
                     std::strncmp(buf, "ready", 5) == 0;
  EXPECT_TRUE(ready) << "child started an observer";
  const auto while_alive = tracefs_instances(instance_prefix(child));
  EXPECT_EQ(while_alive.size(), 1u) << "child has " << while_alive.size() << " tracefs instance";
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  std::vector<std::string> left;
  const int64_t killed = monotonic_ns();
  sample_until([&] { return (left = tracefs_instances(instance_prefix(child))).empty(); }, Clock::now() + 5s, 10ms);
  EXPECT_TRUE(left.empty()) << "its instance removed " << (monotonic_ns() - killed) / 1'000'000
                            << " ms after the kill (" << left.size() << " left)";
}

}  // namespace
