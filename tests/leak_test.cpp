// A runner killed in the middle of a case leaves nothing behind: no endpoint
// process, no namespace a process or fd refers to, no link, mount or sysctl change
// in the initial namespace.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <fstream>

#include "fixtures/privilege.hpp"
#include "fixtures/proc_scan.hpp"
#include "fixtures/waits.hpp"
#include "netns/client/endpoint_binary.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/unique_fd.hpp"

using namespace crashlab;
namespace bp = boost::process;

namespace {
class Leak : public NamespaceTest, public testing::WithParamInterface<int> {};

pid_t parent_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  char state;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

ino_t netns_of(pid_t pid) {
  struct stat st {};
  return ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) == 0 ? st.st_ino : 0;
}

std::vector<pid_t> endpoints_of(pid_t runner) {
  std::vector<pid_t> out;
  for (pid_t p : pids_of(endpoint_binary()))
    if (parent_of(p) == runner) out.push_back(p);
  return out;
}

std::string join(const std::vector<pid_t>& v) {
  std::string s;
  for (auto p : v) s += std::to_string(p) + " ";
  return s;
}
}  // namespace

TEST_P(Leak, RunnerKilledMidScenarioLeavesNothing) {
  const int sig = GetParam();
  const MachineSnapshot before = snapshot_machine();
  const auto sysctls_before = sysctls_of_interest();
  // A folder of this run's own: a shared one may belong to another user (root's run
  // before the unprivileged one), and the runner refuses an --out it cannot write.
  std::string tmpl = testing::TempDir() + "crashlab-leak-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
  const std::string out = tmpl;
  struct RemoveAfter {
    std::string dir;
    ~RemoveAfter() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove_after{out};

  bp::child runner(CRASHLAB_BINARY, "run", CRASHLAB_SOURCE_DIR "/tests/data/long-window.json", "--out", out,
                   bp::std_out > bp::null, bp::std_err > bp::null);
  const pid_t pid = runner.id();

  std::vector<pid_t> endpoints;
  ASSERT_TRUE(waitUntil([&] { return (endpoints = endpoints_of(pid)).size() == 2; },
                         "the runner's two endpoints to start", scaled(milliseconds(10000)),
                         [&] { return "endpoints " + join(endpoints); }));
  // pidfds pin the identity of what we check: a recycled pid cannot fool the test.
  std::vector<UniqueFd> pidfds;
  std::set<ino_t> case_namespaces;
  for (pid_t p : endpoints) {
    pidfds.emplace_back(int(::syscall(SYS_pidfd_open, p, 0)));
    case_namespaces.insert(netns_of(p));
  }
  ASSERT_EQ(case_namespaces.size(), 2u) << "server and client must be in two namespaces";
  ASSERT_FALSE(case_namespaces.count(netns_of(::getpid()))) << "an endpoint runs in the initial namespace";

  ASSERT_EQ(::kill(pid, sig), 0);
  runner.wait();
  EXPECT_TRUE(WIFSIGNALED(runner.native_exit_code()) || runner.exit_code() != 0);

  for (auto& fd : pidfds) {
    pollfd p{fd.get(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, int(scaled(milliseconds(5000)).count())), 1) << "an endpoint outlived the runner";
  }
  EXPECT_TRUE(waitUntil(
      [&] {
        auto now = snapshot_machine().net_namespaces;
        for (ino_t ns : case_namespaces)
          if (now.count(ns)) return false;
        return true;
      },
      "the case's namespaces to lose their last process and fd", scaled(milliseconds(5000)),
      [&] { return std::to_string(case_namespaces.size()) + " namespaces still referenced"; }));

  MachineSnapshot after = snapshot_machine();
  EXPECT_EQ(after.links, before.links) << "links of the initial namespace changed";
  EXPECT_EQ(after.tracefs_mounts, before.tracefs_mounts) << "a tracefs mount was left in the initial mount namespace";
  EXPECT_EQ(sysctls_of_interest(), sysctls_before);
}

INSTANTIATE_TEST_SUITE_P(Signals, Leak, testing::Values(SIGKILL, SIGINT, SIGTERM),
                         [](const testing::TestParamInfo<int>& i) { return std::string(sigabbrev_np(i.param)); });
