// A program of the user's own in its sandbox (netns/app/): output lines, exit,
// private /tmp, user, prepare failures, every process reachable, sockets read
// from outside. In the test's own network namespace; needs user namespaces,
// which an unprivileged user has too.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <random>

#include "netns/app/app_process.hpp"
#include "netns/endpoint/socket_options.hpp"
#include "netns/sys/wait.hpp"

using namespace crashlab;
using namespace crashlab::app;

namespace {
std::unique_ptr<AppProcess> start(std::vector<std::string> command, bool as_nobody = false,
                                  std::vector<std::vector<std::string>> prepare = {}) {
  Launch l;
  l.command = std::move(command);
  l.prepare = std::move(prepare);
  l.as_nobody = as_nobody;
  return std::make_unique<AppProcess>(NetNs::current(), l, "test program");
}

[[nodiscard]] testing::AssertionResult waitForLine(const AppProcess& p, const std::string& text, milliseconds timeout) {
  const auto has = [&] {
    for (const OutputLine& l : p.lines())
      if (l.text == text) return true;
    return false;
  };
  if (sample_until(has, Clock::now() + timeout, milliseconds(2))) return testing::AssertionSuccess();
  std::string seen;
  for (const OutputLine& l : p.lines()) seen += " [" + l.text + "]";
  return testing::AssertionFailure() << "no line '" << text << "' within " << timeout.count() << " ms; saw" << seen;
}

[[nodiscard]] testing::AssertionResult waitForExit(const AppProcess& p, milliseconds timeout) {
  if (sample_until([&] { return p.exit().has_value(); }, Clock::now() + timeout, milliseconds(2)))
    return testing::AssertionSuccess();
  return testing::AssertionFailure() << "still running after " << timeout.count() << " ms";
}

std::string unique_name() { return "crashlab-app-test-" + std::to_string(std::random_device{}()); }
}  // namespace

TEST(AppProcess, RecordsLinesInOrderAndTheExit) {
  auto p = start({"sh", "-c", "echo one; echo two >&2; printf 'no newline'; exit 3"});
  ASSERT_TRUE(waitForExit(*p, milliseconds(5000)));
  ASSERT_TRUE(waitForLine(*p, "no newline", milliseconds(2000)));
  const auto lines = p->lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "one");
  EXPECT_EQ(lines[1].text, "two");  // stderr too
  EXPECT_LE(lines[0].t_ns, lines[1].t_ns);
  EXPECT_EQ(p->exit()->text(), "exited with 3");
}

TEST(AppProcess, ItsTmpIsPrivateAndGoesWithIt) {
  const std::string name = unique_name();
  auto p = start({"sh", "-c", "echo x > /tmp/" + name + " && cat /tmp/" + name + " && pwd && sleep 100"});
  ASSERT_TRUE(waitForLine(*p, "/tmp", milliseconds(5000)));
  EXPECT_TRUE(waitForLine(*p, "x", milliseconds(100)));
  EXPECT_FALSE(std::filesystem::exists("/tmp/" + name)) << "the program's file is visible outside it";
  p.reset();
  EXPECT_FALSE(std::filesystem::exists("/tmp/" + name));
}

TEST(AppProcess, RunsAsRootOfItsNamespaceOrAsNobody) {
  auto root = start({"id", "-u"});
  auto nobody = start({"id", "-u"}, true);
  EXPECT_TRUE(waitForLine(*root, "0", milliseconds(5000)));
  EXPECT_TRUE(waitForLine(*nobody, "65534", milliseconds(5000)));
}

TEST(AppProcess, PrepareRunsFirstAndAFailureQuotesItsOutput) {
  auto p = start({"cat", "/tmp/conf"}, true, {{"sh", "-c", "echo prepared > /tmp/conf"}});
  EXPECT_TRUE(waitForLine(*p, "prepared", milliseconds(5000)));
  try {
    start({"true"}, false, {{"sh", "-c", "echo broken config; exit 4"}});
    FAIL() << "a failed prepare command started the program";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("prepare[0]"), std::string::npos) << what;
    EXPECT_NE(what.find("exited with 4"), std::string::npos) << what;
    EXPECT_NE(what.find("broken config"), std::string::npos) << what;
  }
}

TEST(AppProcess, AMissingProgramIsNamed) {
  try {
    start({"crashlab-no-such-program"});
    FAIL() << "started";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no program crashlab-no-such-program"), std::string::npos) << e.what();
  }
  EXPECT_EQ(find_program("/bin/s[h]"), std::optional<std::string>("/bin/sh"));
  EXPECT_EQ(find_program("/nonexistent/*/x"), std::nullopt);
  EXPECT_THROW(find_program("/tmp/my-server"), std::invalid_argument);
}

TEST(AppProcess, SignalAllReachesEveryProcessItStarted) {
  auto p = start({"sh", "-c", "sleep 100 & echo started; wait"});
  ASSERT_TRUE(waitForLine(*p, "started", milliseconds(5000)));
  // Its parent outside its PID namespace, sh and sleep.
  ASSERT_TRUE(sample_until([&] { return p->processes().size() == 3; }, Clock::now() + milliseconds(2000)))
      << p->processes().size() << " processes";
  // Each one it reaches; the program's death takes the rest of its PID namespace with
  // it, so later ones may already be gone (then they are not counted).
  EXPECT_GE(p->signal_all(SIGKILL), 1);
  EXPECT_TRUE(sample_until([&] { return p->processes().empty(); }, Clock::now() + milliseconds(5000)))
      << p->processes().size() << " left";
  EXPECT_TRUE(waitForExit(*p, milliseconds(2000)));
  EXPECT_EQ(p->exit()->text(), "killed by signal 9");
}

// A program that daemonizes, or forks and dies: what it started dies with it (its PID
// namespace), and a failed prepare never starts it.
TEST(AppProcess, NothingItStartedOutlivesIt) {
  const std::string name = unique_name();
  auto p = start({"sh", "-c", "sleep 100 & echo forked; exit 0"});
  ASSERT_TRUE(waitForExit(*p, milliseconds(5000)));
  EXPECT_TRUE(sample_until([&] { return p->processes().empty(); }, Clock::now() + milliseconds(5000)))
      << p->processes().size() << " processes outlived the program";
  try {
    start({"sh", "-c", "touch /proc/self/../" + name}, false, {{"false"}});
    FAIL() << "started despite a failed prepare";
  } catch (const std::exception&) {
  }
}

TEST(AppProcess, APrepareThatWaitsForInputEndsAtItsLimit) {
  Launch l;
  l.command = {"true"};
  l.prepare = {{"sh", "-c", "read line; sleep 100"}};
  l.prepare_timeout_s = 1;
  const auto started = Clock::now();
  try {
    AppProcess p(NetNs::current(), l, "test program");
    FAIL() << "started";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("killed by signal 14"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - started, milliseconds(5000));
}

TEST(AppProcess, TakeSocketReadsTheProgramsOwnOptions) {
  ASSERT_TRUE(find_program("python3")) << "python3 is not installed (scripts/packages.txt has it)";
  auto p = start({"python3", "-c",
                  "import socket, time\n"
                  "s = socket.socket()\n"
                  "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 17)\n"
                  "s.bind(('127.0.0.1', 0)); s.listen()\n"
                  "print('ready', flush=True); time.sleep(100)"});
  ASSERT_TRUE(waitForLine(*p, "ready", milliseconds(10000)));
  uint64_t inode = 0;
  for (pid_t pid : p->processes())
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
      std::error_code ec;
      const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
      if (target.rfind("socket:[", 0) == 0) inode = std::stoull(target.substr(8));
    }
  ASSERT_NE(inode, 0u) << "no socket among the program's descriptors";
  UniqueFd fd = p->take_socket(inode);
  EXPECT_EQ(read_socket_option(fd.get(), "TCP_KEEPIDLE"), 17);
  EXPECT_THROW(p->take_socket(1), std::runtime_error);
}
