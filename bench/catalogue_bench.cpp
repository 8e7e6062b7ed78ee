// make bench: the whole case catalogue run at once, `crashlab run CASES --jobs <number
// of cases>`, one run. Target (the issue): the wall time is at most 1.5x the longest
// case's own duration, i.e. running every case concurrently costs little more than
// waiting for the slowest one. Printed: the wall time (crashlab started to exited), the
// longest case's `duration_ms` from its result file, their ratio against 1.5, the sum
// of all durations (what running them one after the other would cost), and every
// case's verdict: concurrency must not change outcomes, so anything but all-pass is a
// finding, reported with the failures the result files give.
//
// usage: catalogue_bench [CASES_DIR] [--crashlab PATH] [--keep]
// Exit 0 when measured (targets met or not, verdicts printed), 1 when it could not run.
// Takes as long as the longest case (about 30-40 s).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netns/clock.hpp"
#include "runner/case/case_files.hpp"

using namespace crashlab;
using namespace crashlab::runner;
namespace fs = std::filesystem;

namespace {

constexpr double kTargetRatio = 1.5;

struct CaseRun {
  std::string name, verdict, detail;
  double duration_ms = 0;
};

// Runs argv with stdout and stderr to `log`; returns the wait status, or kills the
// child and throws once `timeout_ms` has passed.
int run_bounded(std::vector<std::string> args, const std::string& log, int timeout_ms) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  const int pidfd = int(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    ::close(pidfd);
    if (n == 0) {
      ::kill(pid, SIGKILL);  // our own child; its endpoints die with it (PR_SET_PDEATHSIG)
      ::waitpid(pid, nullptr, 0);
      throw std::runtime_error("crashlab still running after " + std::to_string(timeout_ms / 1000) +
                               " s; killed it (log: " + log + ")");
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string failures_of(const nlohmann::json& r) {
  if (r.contains("error") && r["error"].is_string()) return r["error"].get<std::string>();
  std::string out;
  for (const auto& f : r.value("failures", nlohmann::json::array())) {
    if (!out.empty()) out += "; ";
    out += f.value("side", "?") + "." + f.value("field", "?") + ": expected " + f.value("expected", nlohmann::json()).dump() +
           ", seen " + f.value("seen", nlohmann::json()).dump();
  }
  return out;
}

int run(const std::string& cases, const std::string& crashlab, bool keep) {
  const auto files = find_case_files(cases);
  if (files.empty()) throw std::runtime_error("no case files in " + cases);
  int64_t windows_ms = 0;
  for (const auto& f : files) windows_ms += load_case(f).window_ms;
  const int jobs = int(files.size());  // explicit: the runner's default may change

  std::string tmpl = (fs::temp_directory_path() / "crashlab-catalogue-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  const fs::path dir = tmpl, out = dir / "results", log = dir / "run.log";
  std::printf("catalogue: %d cases from %s, all at once: crashlab run --jobs %d\n", jobs, cases.c_str(), jobs);
  std::fflush(stdout);

  const int64_t t0 = monotonic_ns();
  const int status = run_bounded({crashlab, "run", cases, "--jobs", std::to_string(jobs), "--out", out.string()},
                                 log.string(), int(std::min<int64_t>(2 * windows_ms + 120'000, 1'800'000)));
  const double wall_ms = double(monotonic_ns() - t0) / 1e6;

  std::vector<CaseRun> runs;
  if (fs::is_directory(out / "latest"))  // crashlab run writes OUT/<timestamp>/, OUT/latest points at it
    for (const auto& e : fs::directory_iterator(out / "latest")) {
      if (e.path().extension() != ".json") continue;
      std::ifstream in(e.path());
      const auto r = nlohmann::json::parse(in);
      runs.push_back({r.value("case", "?"), r.value("verdict", "?"), failures_of(r), r.value("duration_ms", 0.0)});
    }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.duration_ms > b.duration_ms; });
  const bool exited = WIFEXITED(status);
  if (runs.empty()) {
    std::printf("  no result files; crashlab %s %d; its output is in %s\n", exited ? "exited" : "died of signal",
                exited ? WEXITSTATUS(status) : WTERMSIG(status), log.c_str());
    return 1;
  }
  double sum_ms = 0;
  int passed = 0;
  for (const auto& r : runs) sum_ms += r.duration_ms, passed += r.verdict == "pass";
  const CaseRun& longest = runs.front();
  const double ratio = wall_ms / longest.duration_ms;
  std::printf("  wall time            %7.1f s   (crashlab %s %d)\n", wall_ms / 1e3,
              exited ? "exit status" : "killed by signal", exited ? WEXITSTATUS(status) : WTERMSIG(status));
  std::printf("  longest case         %7.1f s   (%s)\n", longest.duration_ms / 1e3, longest.name.c_str());
  std::printf("  sum of durations     %7.1f s   (a serial run; concurrency saved %.1fx)\n", sum_ms / 1e3,
              sum_ms / wall_ms);
  std::printf("  ratio wall/longest   %7.2fx    target <= %.1fx: %s\n", ratio, kTargetRatio,
              ratio <= kTargetRatio ? "met" : "NOT met");
  std::printf("  verdicts             %d/%zu pass%s\n", passed, runs.size(),
              runs.size() != files.size() ? (" (" + std::to_string(files.size()) + " cases, some wrote no result)").c_str()
                                          : "");
  for (const auto& r : runs) {
    std::printf("    %8.1f s  %-5s  %s\n", r.duration_ms / 1e3, r.verdict.c_str(), r.name.c_str());
    if (r.verdict != "pass") std::printf("                      %s\n", r.detail.c_str());
  }
  if (passed != int(runs.size()) || runs.size() != files.size())
    std::printf("  NOTE: outcomes differ from an all-pass catalogue under --jobs %d%s\n", jobs,
                keep ? "" : " (rerun with --keep to keep the results and crashlab's output)");
  if (keep)
    std::printf("  kept: %s\n", dir.c_str());
  else
    fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cases = CRASHLAB_SOURCE_DIR "/cases", crashlab = CRASHLAB_BINARY;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--keep") keep = true;
    else if (a == "--crashlab" && i + 1 < argc) crashlab = argv[++i];
    else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: catalogue_bench [CASES_DIR] [--crashlab PATH] [--keep]\n");
      return 1;
    } else
      cases = a;
  }
  try {
    return run(cases, crashlab, keep);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "catalogue_bench: %s\n", e.what());
    return 1;
  }
}
