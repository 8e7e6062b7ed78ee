// crashlab-undo (netns/undo): what it holds is released synchronously on a normal
// teardown, and when its runner goes (EOF) it aborts the sockets of the
// namespaces it still holds and removes the files nobody finished.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures/connected_pair.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/waits.hpp"
#include "netns/observe/diag/sock_diag.hpp"
#include "netns/wire/tcp_state.hpp"
#include "netns/topology/topology.hpp"
#include "netns/undo/undo_agent.hpp"
#include "runner/result/result_json.hpp"

using namespace crashlab;
namespace fs = std::filesystem;

namespace {
class Undo : public NamespaceTest {};
class UndoOrphans : public NamespaceTest, public testing::WithParamInterface<bool> {};

// Whether an fd of process `pid` refers to network namespace `ns`.
bool holds(pid_t pid, ino_t ns) {
  const std::string want = "net:[" + std::to_string(ns) + "]";
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code gone;
    if (fs::read_symlink(fd.path(), gone).string() == want) return true;
  }
  if (ec) ADD_FAILURE() << "reading /proc/" << pid << "/fd: " << ec.message();
  return false;
}

std::string describe_status(const std::optional<int>& status) {
  if (!status) return "still running after 5 s";
  if (WIFEXITED(*status)) return "exit " + std::to_string(WEXITSTATUS(*status));
  return "killed by signal " + std::to_string(WTERMSIG(*status));
}

std::string states_of(const std::vector<SockEntry>& sockets) {
  std::string s;
  for (const auto& e : sockets) s += (s.empty() ? "" : " ") + tcp_state_name(e.state);
  return s.empty() ? "none" : s;
}
}  // namespace

TEST_F(Undo, AReleasedNamespaceIsNoLongerHeldWhenTheReleaseReturns) {
  UndoAgent agent;
  NetNs ns = NetNs::create();
  UndoHandle held = agent.hold_namespace(ns.fd());
  EXPECT_TRUE(holds(agent.pid(), ns.inode())) << "crashlab-undo did not take the namespace";
  held.reset();
  // No wait: the release is answered before reset() returns.
  EXPECT_FALSE(holds(agent.pid(), ns.inode())) << "crashlab-undo still holds a released namespace";
  EXPECT_EQ(describe_status(agent.close_and_wait(scaled(milliseconds(5000)))), "exit 0");
}

TEST_F(Undo, EveryNamespaceCreatedIsHeldUntilItIsDestroyed) {
  const pid_t undo_pid = UndoAgent::shared().pid();
  ino_t inode = 0;
  {
    NetNs ns = NetNs::create();
    inode = ns.inode();
    EXPECT_TRUE(holds(undo_pid, inode)) << "NetNs::create did not hand the namespace to crashlab-undo";
    NetNs moved = std::move(ns);
    EXPECT_TRUE(holds(undo_pid, inode)) << "a move released it";
  }
  EXPECT_FALSE(holds(undo_pid, inode)) << "crashlab-undo holds a namespace the runner has dropped";
}

// An orphan retransmitting its FIN into a cut link is what kept a killed runner's
// namespaces alive for minutes; at EOF crashlab-undo aborts it.
TEST_P(UndoOrphans, AtEofTheSocketsOfAHeldNamespaceAreAborted) {
  const bool ipv6 = GetParam();
  Topology t({TopologyKind::Switch, ipv6});
  const uint16_t port = ipv6 ? 7102 : 7101;
  ConnectedPair c(t, port);
  UndoAgent agent;
  UndoHandle held = agent.hold_namespace(t.host(Role::Client).ns().fd());
  t.set_peer_side(Role::Client, false);  // the client's FIN goes nowhere
  c.client.process().signal(SIGKILL);
  ASSERT_TRUE(c.client.process().wait_exit(scaled(milliseconds(3000))));
  ASSERT_TRUE(waitForSocketState(t.host(Role::Client).ns(), port, "FIN_WAIT1", scaled(milliseconds(3000))));

  const auto status = agent.close_and_wait(scaled(milliseconds(5000)));
  EXPECT_EQ(describe_status(status), "exit 0");
  SockDiag diag(t.host(Role::Client).ns());
  // Aborted sockets leave the table at once: nothing to wait for.
  EXPECT_EQ(states_of(diag.dump(port)), "none") << "crashlab-undo left the orphan behind";
  const std::string server = states_of(SockDiag(t.host(Role::Server).ns()).dump(port));
  EXPECT_NE(server.find("ESTABLISHED"), std::string::npos) << "a namespace it did not hold was touched: " << server;
}

INSTANTIATE_TEST_SUITE_P(Families, UndoOrphans, testing::Values(false, true),
                         [](const testing::TestParamInfo<bool>& i) { return i.param ? "IPv6" : "IPv4"; });

namespace {
// A fresh folder holding a small file of each name.
fs::path folder_with(std::initializer_list<const char*> names) {
  std::string tmpl = testing::TempDir() + "crashlab-undo-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::system_error(errno, std::system_category(), "mkdtemp " + tmpl);
  for (const char* name : names) std::ofstream(fs::path(tmpl) / name) << "packets";
  return tmpl;
}
}  // namespace

TEST_F(Undo, AtEofAbandonedFilesAreRemovedAndReleasedOnesKept) {
  const fs::path dir = folder_with({"abandoned.pcap", "kept.pcap"});
  UndoAgent agent;
  UndoHandle abandoned = agent.remove_if_abandoned(dir / "abandoned.pcap");
  UndoHandle never_created = agent.remove_if_abandoned(dir / "never-created.pcap");
  agent.remove_if_abandoned(dir / "kept.pcap").reset();

  EXPECT_EQ(describe_status(agent.close_and_wait(scaled(milliseconds(5000)))), "exit 0");
  EXPECT_FALSE(fs::exists(dir / "abandoned.pcap"));
  EXPECT_TRUE(fs::exists(dir / "kept.pcap")) << "a released file was removed";
  fs::remove_all(dir);
}

// #15: a kept capture is the undo process's to remove until the result naming it is
// written, so a runner killed in between leaves neither; once written, both stay.
TEST_F(Undo, AKeptCaptureIsReleasedWhenItsResultIsWritten) {
  const fs::path dir = folder_with({"written.pcap", "unwritten.pcap"});
  UndoAgent agent;
  runner::CaseResult written;
  written.name = "x/written";
  written.pcap = (dir / "written.pcap").string();
  written.pcap_removal_until_written = std::make_shared<UndoHandle>(agent.remove_if_abandoned(dir / "written.pcap"));
  runner::CaseResult unwritten = written;
  unwritten.pcap_removal_until_written = std::make_shared<UndoHandle>(agent.remove_if_abandoned(dir / "unwritten.pcap"));

  runner::write_result(written, dir.string());
  EXPECT_FALSE(*written.pcap_removal_until_written) << "writing the result did not release its capture";
  EXPECT_TRUE(*unwritten.pcap_removal_until_written);
  EXPECT_EQ(describe_status(agent.close_and_wait(scaled(milliseconds(5000)))), "exit 0");
  EXPECT_TRUE(fs::exists(dir / "written.pcap")) << "a capture whose result was written was removed";
  EXPECT_FALSE(fs::exists(dir / "unwritten.pcap")) << "a capture without its result was left behind";
  fs::remove_all(dir);
}

TEST_F(Undo, AFileInAFolderThatDoesNotExistIsAClearError) {
  UndoAgent agent;
  try {
    agent.remove_if_abandoned("/nonexistent-crashlab-folder/x.pcap");
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-crashlab-folder"), std::string::npos) << e.what();
  }
}
