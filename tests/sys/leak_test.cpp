// A runner killed in the middle of a case leaves nothing behind: no endpoint
// process, no namespace a process or fd refers to, none the kernel still holds
// (orphaned sockets would keep them for minutes: crashlab-undo aborts them), no
// unfinished capture, no link, mount or sysctl change in the initial namespace.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <boost/process/child.hpp>
#include <boost/process/io.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "fixtures/namespace_watch.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/proc_scan.hpp"
#include "fixtures/waits.hpp"
#include "netns/client/endpoint_binary.hpp"
#include "netns/wire/tcp_snmp.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/sys/unique_fd.hpp"

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

std::string join_names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& n : v) s += (s.empty() ? "" : " ") + n;
  return s.empty() ? "none" : s;
}
std::string join(const std::vector<pid_t>& v) {
  std::string s;
  for (auto p : v) s += std::to_string(p) + " ";
  return s;
}

// Every network namespace an fd of `pid` refers to (the runner's NetNs objects)
// but `except`, opened anew, by inode.
std::map<ino_t, UniqueFd> netns_fds_of(pid_t pid, ino_t except) {
  std::map<ino_t, UniqueFd> out;
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code gone;
    const std::string link = std::filesystem::read_symlink(fd.path(), gone).string();
    if (link.rfind("net:[", 0) != 0) continue;
    const ino_t ino = std::stoul(link.substr(5));
    if (ino == except || out.count(ino)) continue;
    UniqueFd ns(::open(fd.path().c_str(), O_RDONLY | O_CLOEXEC));
    if (ns) out.emplace(ino, std::move(ns));
  }
  return out;
}

// Tcp RetransSegs of the namespace process `pid` is in (0 once it is gone).
uint64_t retransmissions_seen_by(pid_t pid) {
  return tcp_snmp_counter("/proc/" + std::to_string(pid) + "/net/snmp", "RetransSegs").value_or(0);
}

std::vector<std::string> pcaps_in(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.path().extension() == ".pcap") out.push_back(e.path().filename().string());
  return out;
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

  NamespaceWatch kernel_keeps;
  bp::child runner(CRASHLAB_BINARY, "run", CRASHLAB_SOURCE_DIR "/tests/data/long-window.json", "--pcap", "--out", out,
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
  // The partition is in place once the server retransmits: from then on, what the
  // endpoints leave when they die cannot finish on the wire.
  uint64_t retransmitted = 0;
  ASSERT_TRUE(waitUntil(
      [&] {
        retransmitted = 0;
        for (pid_t p : endpoints) retransmitted += retransmissions_seen_by(p);
        return retransmitted > 0;
      },
      "the server to retransmit into the partition", scaled(milliseconds(10000)),
      [&] { return std::to_string(retransmitted) + " TCP segments retransmitted"; }));
  {
    // Our fds go at the end of this block; the watch itself holds no reference.
    const auto runners_namespaces = netns_fds_of(pid, netns_of(::getpid()));
    for (ino_t ns : case_namespaces) ASSERT_TRUE(runners_namespaces.count(ns)) << "the runner holds no fd of " << ns;
    for (const auto& [ino, fd] : runners_namespaces) kernel_keeps.watch(fd.get());
  }
  const int runners = kernel_keeps.alive();
  ASSERT_GE(runners, 3) << "the runner's namespaces: its hosts', the switch's, their parent's";
  // The capture starts before the endpoints: it is running now, unfinished.
  ASSERT_FALSE(pcaps_in(out).empty()) << "no capture is running: nothing to leave behind";

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
  // crashlab-undo removes them as soon as the runner is gone.
  EXPECT_TRUE(waitUntil([&] { return pcaps_in(out).empty(); }, "the killed run's unfinished captures to be removed",
                        scaled(milliseconds(5000)), [&] { return join_names(pcaps_in(out)); }));

  // What /proc cannot show: namespaces the kernel keeps for a socket (an orphan
  // retransmitting a FIN would keep one for minutes).
  EXPECT_TRUE(waitUntil([&] { return kernel_keeps.alive() == 0; },
                        "the kernel to destroy the runner's " + std::to_string(runners) + " namespaces",
                        scaled(milliseconds(5000)),
                        [&] { return std::to_string(kernel_keeps.alive()) + " still kept by the kernel"; }));

  MachineSnapshot after = snapshot_machine();
  EXPECT_EQ(after.links, before.links) << "links of the initial namespace changed";
  EXPECT_EQ(after.tracefs_mounts, before.tracefs_mounts) << "a tracefs mount was left in the initial mount namespace";
  EXPECT_EQ(sysctls_of_interest(), sysctls_before);
}

INSTANTIATE_TEST_SUITE_P(Signals, Leak, testing::Values(SIGKILL, SIGINT, SIGTERM),
                         [](const testing::TestParamInfo<int>& i) { return std::string(sigabbrev_np(i.param)); });

namespace {
// Every live process below `root` in the process tree.
std::vector<pid_t> descendants_of(pid_t root) {
  std::map<pid_t, pid_t> parent;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") == std::string::npos) parent[pid_t(std::stol(name))] = parent_of(std::stoi(name));
  }
  std::vector<pid_t> out;
  for (const auto& [pid, ppid] : parent)
    for (pid_t up = ppid; up > 1; up = parent.count(up) ? parent[up] : -1)
      if (up == root) {
        out.push_back(pid);
        break;
      }
  return out;
}

std::string comm_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(f, s);
  return s;
}
}  // namespace

// #12: a database server and its client, started by a case, die with a SIGKILLed
// runner: the postmaster by PR_SET_PDEATHSIG, its backends when they see it gone, and
// their private /tmp (the data directory) and namespaces with them.
class AppLeak : public NamespaceTest {};

TEST_F(AppLeak, RunnerKilledDuringAnApplicationCaseLeavesNoProgram) {
  std::string tmpl = testing::TempDir() + "crashlab-leak-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
  struct RemoveAfter {
    std::string dir;
    ~RemoveAfter() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove_after{tmpl};
  bp::child runner(CRASHLAB_BINARY, "run", CRASHLAB_SOURCE_DIR "/cases/apps/postgres-server-sees-dead-client.json", "--out",
                   tmpl, bp::std_out > bp::null, bp::std_err > bp::null);
  const pid_t pid = runner.id();
  // The postmaster, a backend serving psql, and psql: the session is up.
  std::vector<pid_t> programs;
  const auto session_up = [&] {
    programs.clear();
    int postgres = 0, psql = 0;
    for (pid_t p : descendants_of(pid)) {
      const std::string c = comm_of(p);
      if (c == "postgres" || c == "psql") programs.push_back(p);
      postgres += c == "postgres";
      psql += c == "psql";
    }
    return psql == 1 && postgres >= 2;
  };
  ASSERT_TRUE(waitUntil(session_up, "PostgreSQL and psql to start under the runner", scaled(milliseconds(30000)),
                        [&] { return std::to_string(programs.size()) + " postgres/psql processes"; }));
  std::vector<UniqueFd> pidfds;
  std::set<ino_t> hosts;
  for (pid_t p : descendants_of(pid)) pidfds.emplace_back(int(::syscall(SYS_pidfd_open, p, 0)));
  for (pid_t p : programs)
    if (ino_t ns = netns_of(p)) hosts.insert(ns);  // 0: it exited meanwhile
  ASSERT_EQ(hosts.size(), 2u) << "server and client programs must be in two hosts";

  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  runner.wait();
  for (auto& fd : pidfds) {
    if (!fd) continue;  // it had already gone
    pollfd p{fd.get(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, int(scaled(milliseconds(10000)).count())), 1) << "a program's process outlived the runner";
  }
  size_t left = 0;
  EXPECT_TRUE(waitUntil(
      [&] {
        const auto now = snapshot_machine().net_namespaces;
        left = 0;
        for (ino_t ns : hosts) left += now.count(ns);
        return left == 0;
      },
      "the programs' hosts to go with them", scaled(milliseconds(5000)),
      [&] { return std::to_string(left) + " of 2 still referenced"; }));
}
