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
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/crashlab_child.hpp"
#include "runner/case/case_files.hpp"

using namespace crashlab;
using namespace crashlab::bench;
using namespace crashlab::runner;
namespace fs = std::filesystem;

namespace {

constexpr double kTargetRatio = 1.5;

struct CaseRun {
  std::string name, verdict, detail;
  double duration_ms = 0;
};

int run(const std::string& cases, const std::string& crashlab, bool keep) {
  const auto files = find_case_files(cases);
  if (files.empty()) throw std::runtime_error("no case files in " + cases);
  int64_t windows_ms = 0;
  for (const auto& f : files) windows_ms += load_case(f).window_ms;
  const int jobs = int(files.size());  // explicit: the runner's default may change

  const fs::path dir = make_temp_dir("crashlab-catalogue"), out = dir / "results", log = dir / "run.log";
  std::printf("catalogue: %d cases from %s, all at once: crashlab run --jobs %d (load average %s)\n", jobs,
              cases.c_str(), jobs, load_average().c_str());
  std::fflush(stdout);

  const ChildRun child = run_bounded({crashlab, "run", cases, "--jobs", std::to_string(jobs), "--out", out.string()},
                                     log.string(), int(std::min<int64_t>(2 * windows_ms + 120'000, 1'800'000)));
  const double wall_ms = child.wall_ms;

  std::vector<CaseRun> runs;
  for (const auto& r : read_results(out))
    runs.push_back({r.value("case", "?"), r.value("verdict", "?"), failures_of(r), r.value("duration_ms", 0.0)});
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.duration_ms > b.duration_ms; });
  if (runs.empty()) {
    std::printf("  no result files; crashlab %s; its output is in %s\n", child.status_text().c_str(), log.c_str());
    return 1;
  }
  double sum_ms = 0;
  int passed = 0;
  for (const auto& r : runs) sum_ms += r.duration_ms, passed += r.verdict == "pass";
  const CaseRun& longest = runs.front();
  const double ratio = wall_ms / longest.duration_ms;
  std::printf("  wall time            %7.1f s   (crashlab %s)\n", wall_ms / 1e3, child.status_text().c_str());
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
