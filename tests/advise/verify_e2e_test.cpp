// `crashlab advise --verify` for one deadline, for real: the 10 s proposal (idle and
// busy, a 2 s outage) must hold on this kernel, measured by the crashlab binary. At the
// same time, as a control that the runs can fail, the same proposal against an idle
// outage longer than the one it tolerates must be seen to end the connection.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixtures/privilege.hpp"
#include "runner/advise/verify.hpp"

namespace fs = std::filesystem;
using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::advise;

extern char** environ;

namespace {
// timeout(1) bounds the command: 10 s of cases, their setup and a margin.
constexpr int kCommandTimeoutS = 90;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t spawn(std::vector<std::string> argv, const fs::path& out, const fs::path& err) {
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, CRASHLAB_SOURCE_DIR);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, raw.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class AdviseVerify : public NamespaceTest {};
}  // namespace

TEST_F(AdviseVerify, TheTenSecondProposalHoldsAndALongerOutageIsSeenToKill) {
  const fs::path tmp = fs::path(testing::TempDir()) / ("crashlab-advise-verify-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const pid_t cli = spawn({"timeout", std::to_string(kCommandTimeoutS), CRASHLAB_BINARY, "advise", "--detect-within", "10s",
                           "--survive-outage", "2s", "--verify", "--format", "json", "--out", (tmp / "cli").string()},
                          tmp / "advise.json", tmp / "advise.err");
  ASSERT_GT(cli, 0);

  // The control, in this process while the command runs: 1.5 s more outage than the
  // proposal survives idle (the outage starting just before the first probe).
  Request longer;
  longer.detect_within_ms = 10000;
  longer.survive_outage_ms = 2000;
  const SearchResult s = search(longer);
  ASSERT_TRUE(s.proposal);
  longer.survive_outage_ms = int64_t(*s.proposal->eval.idle.tolerated_ms) + 1500;
  longer.traffic = Traffic::Idle;
  std::vector<VerifyRun> runs = verify_runs(*s.proposal, longer, std::string(CRASHLAB_SOURCE_DIR) + "/cases");
  std::erase_if(runs, [](const VerifyRun& v) { return v.promise != Promise::SurvivesOutage; });
  ASSERT_EQ(runs.size(), 1u);
  fs::create_directories(tmp / "control");
  const auto control = run_verification(runs, (tmp / "control").string(), longer.hz);
  ASSERT_EQ(control.size(), 1u);
  EXPECT_TRUE(control[0].result.error.empty()) << control[0].result.error;
  EXPECT_FALSE(control[0].holds) << "an outage of " << longer.survive_outage_ms << " ms did not end the idle connection";
  EXPECT_TRUE(control[0].measured_ms) << verify_text(control, (tmp / "control").string());

  const int status = exit_status(cli);
  const std::string out = slurp(tmp / "advise.json");
  ASSERT_EQ(status, 0) << (status == 124 ? "killed by timeout\n" : "") << out << slurp(tmp / "advise.err");
  const nlohmann::json j = nlohmann::json::parse(out);
  ASSERT_TRUE(j["verify"].is_object()) << out;
  EXPECT_TRUE(j["verify"]["holds"].get<bool>());
  ASSERT_EQ(j["verify"]["runs"].size(), 4u) << out;
  for (const auto& run : j["verify"]["runs"]) {
    SCOPED_TRACE(run.dump());
    EXPECT_TRUE(run["holds"].get<bool>());
    EXPECT_TRUE(run["failures"].empty());
    EXPECT_TRUE(fs::exists(run["result"].get<std::string>()));
    if (run["promise"] == "detects_crash") {
      ASSERT_TRUE(run["measured_ms"].is_number());
      EXPECT_LE(run["measured_ms"].get<double>(), 10000);
      EXPECT_GT(run["measured_ms"].get<double>(), 1000);  // a timer decided, not something else at once
    } else {
      EXPECT_TRUE(run["measured_ms"].is_null());
    }
  }
  fs::remove_all(tmp);
}
