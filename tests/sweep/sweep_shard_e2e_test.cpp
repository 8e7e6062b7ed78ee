// The real binary: a sweep run whole and the same sweep run as three shards (all
// four at once), the shards merged with --merge; the merged summary.csv must
// equal the whole one on every column that does not depend on timing.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "fixtures/privilege.hpp"

namespace fs = std::filesystem;
using namespace crashlab;

extern char** environ;

namespace {
// Each command is bounded by timeout(1): a hung sweep is killed, and waitpid returns.
constexpr int kCommandTimeoutS = 60;
const std::vector<std::string> kSweep = {"sweep", "cases/host-crash/send.json", "--vary",
                                         "server.sysctl.net.ipv4.tcp_retries2=1..3", "--no-progress"};
// The columns a repeat of the same sweep must reproduce (detection times are not among them).
const std::vector<std::string> kStable = {"server.sysctl.net.ipv4.tcp_retries2", "n", "ETIMEDOUT", "EHOSTUNREACH",
                                          "ECONNRESET", "none", "predicted_ms", "acceptance_lo_ms",
                                          "acceptance_hi_ms", "passed"};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Command {
  std::string name;
  fs::path log;
  pid_t pid = -1;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

Command start(const std::string& name, std::vector<std::string> args, const fs::path& tmp) {
  Command c{name, tmp / (name + ".log")};
  std::vector<std::string> argv = {"timeout", std::to_string(kCommandTimeoutS), CRASHLAB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, c.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addchdir_np(&fa, CRASHLAB_SOURCE_DIR);
  if (posix_spawnp(&c.pid, "timeout", &fa, nullptr, raw.data(), environ) != 0) c.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return c;
}

// Blocks until the command ends (timeout(1) bounds it); fails naming it, its exit
// status, the time it took and its output.
testing::AssertionResult finished_with(Command& c, int want) {
  if (c.pid < 0) return testing::AssertionFailure() << c.name << ": could not start";
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
  const int got = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (got == want) return testing::AssertionSuccess();
  return testing::AssertionFailure() << c.name << ": waited for exit " << want << ", got " << got
                                     << (got == 124 ? " (killed by timeout)" : "") << " after " << s << " s:\n"
                                     << slurp(c.log);
}

// summary.csv as rows of column -> value, on the stable columns only.
std::vector<std::map<std::string, std::string>> stable_rows(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  const auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream ss(l);
    for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
    return out;
  };
  if (std::getline(in, line)) header = split(line);
  while (std::getline(in, line)) {
    const auto fields = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i)
      if (std::find(kStable.begin(), kStable.end(), header[i]) != kStable.end()) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

class SweepShards : public NamespaceTest {};
}  // namespace

TEST_F(SweepShards, ThreeShardsMergedGiveTheWholeSweepsSummary) {
  const fs::path tmp = fs::path(testing::TempDir()) / ("crashlab-sweep-shards-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::vector<std::string> whole_args = kSweep;
  whole_args.insert(whole_args.end(), {"--out", (tmp / "whole").string()});
  std::vector<Command> running = {start("whole", whole_args, tmp)};
  for (int k = 1; k <= 3; ++k) {
    std::vector<std::string> args = kSweep;
    args.insert(args.end(), {"--shard", std::to_string(k) + "/3", "--out", (tmp / ("shard" + std::to_string(k))).string()});
    running.push_back(start("shard" + std::to_string(k), args, tmp));
  }
  for (Command& c : running) EXPECT_TRUE(finished_with(c, 0));
  // --no-progress: no progress line at all, not one per finished run.
  EXPECT_EQ(slurp(running[0].log).find("runs, "), std::string::npos) << slurp(running[0].log);
  Command merge = start("merge",
                        {"sweep", "--merge", (tmp / "shard1").string(), (tmp / "shard2").string(),
                         (tmp / "shard3").string(), "--out", (tmp / "merged").string()},
                        tmp);
  EXPECT_TRUE(finished_with(merge, 0));

  const auto whole = stable_rows(tmp / "whole" / "summary.csv"), merged = stable_rows(tmp / "merged" / "summary.csv");
  ASSERT_EQ(whole.size(), 3u) << slurp(tmp / "whole" / "summary.csv");
  EXPECT_EQ(whole[2].at("n"), "1");
  EXPECT_EQ(whole[2].at("server.sysctl.net.ipv4.tcp_retries2"), "3");
  EXPECT_EQ(merged, whole) << "merged:\n" << slurp(tmp / "merged" / "summary.csv") << "whole:\n"
                           << slurp(tmp / "whole" / "summary.csv");
  for (int k = 1; k <= 3; ++k)  // a shard's own summary holds only its own point
    EXPECT_EQ(stable_rows(tmp / ("shard" + std::to_string(k)) / "summary.csv").size(), 1u) << "shard " << k;
  EXPECT_TRUE(fs::exists(tmp / "merged" / "sweep.html"));

  // The same command again resumes (nothing left to run); another grid into the folder is refused.
  Command resume = start("resume", whole_args, tmp);
  EXPECT_TRUE(finished_with(resume, 0));
  EXPECT_NE(slurp(resume.log).find("reusing 3 earlier result(s)"), std::string::npos) << slurp(resume.log);
  std::vector<std::string> other = whole_args;
  other[3] = "server.sysctl.net.ipv4.tcp_retries2=1..4";
  Command refused = start("other-grid", other, tmp);
  EXPECT_TRUE(finished_with(refused, 2));
  EXPECT_NE(slurp(refused.log).find("holds another sweep: --vary differs"), std::string::npos) << slurp(refused.log);
  std::vector<std::string> bad_shard = whole_args;
  bad_shard.insert(bad_shard.end(), {"--shard", "4/3"});
  Command bad = start("bad-shard", bad_shard, tmp);
  EXPECT_TRUE(finished_with(bad, 2));
  fs::remove_all(tmp);
}
