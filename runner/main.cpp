// crashlab: run, list and validate crash cases. Exit 0: every expectation held;
// 1: some failed (or could not run); 2: invalid input.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <iostream>
#include <mutex>
#include <thread>

#include "netns/wait.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"
#include "runner/report/report.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/environment.hpp"
#include "runner/run/run_case.hpp"
#include "runner/table.hpp"

using namespace crashlab;

namespace {
constexpr const char* kUsage =
    "usage: crashlab run PATH... [--set ROLE.sysctl.NAME=VALUE] [--set ROLE.socket.OPTION=VALUE]\n"
    "                    [--repeat N] [--jobs N] [--out DIR] [--pcap]\n"
    "       (--jobs: cases run at once; default all of them)\n"
    "       crashlab list [PATH...]\n"
    "       crashlab report [RESULT|FOLDER...] [--out FILE]   (default: results -> results/report.html)\n"
    "       crashlab validate PATH...\n"
    "PATH is a case file or a folder of them (default: cases). ROLE is server, client or all.\n";

struct Args {
  std::string command;
  std::vector<std::string> paths, sets;
  int repeat = 1, jobs = 0;  // 0: every case at once (they mostly wait on kernel timers)
  std::string out = "results";
  bool pcap = false;
  bool out_given = false;  // report: --out is a file, and its default is not run's folder
};

int positive(const std::string& flag, const std::string& v) {
  try {
    int n = std::stoi(v);
    if (n >= 1 && n <= 1000) return n;
  } catch (...) {
  }
  throw CaseError(flag + ": '" + v + "' is not a whole number from 1 to 1000");
}

Args parse_args(int argc, char** argv) {
  if (argc < 2) throw CaseError(kUsage);
  Args a;
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw CaseError(s + " needs a value\n" + kUsage);
      return argv[++i];
    };
    if (s == "--set") a.sets.push_back(value());
    else if (s == "--repeat") a.repeat = positive(s, value());
    else if (s == "--jobs") a.jobs = positive(s, value());
    else if (s == "--out") {
      a.out = value();
      a.out_given = true;
    }
    else if (s == "--pcap") a.pcap = true;
    else if (s.rfind("--", 0) == 0) throw CaseError("unknown option " + s + "\n" + kUsage);
    else a.paths.push_back(s);
  }
  if (a.paths.empty()) a.paths.push_back(a.command == "report" ? "results" : "cases");
  return a;
}

std::vector<CaseSpec> load_all(const Args& a) {
  std::vector<CaseSpec> specs;
  for (const auto& p : a.paths)
    for (const auto& f : find_case_files(p)) {
      specs.push_back(load_case(f));
      for (const auto& s : a.sets) apply_override(specs.back(), s);
    }
  if (specs.empty()) throw CaseError("no case files found in the given paths");
  return specs;
}

// The live line on a terminal: how many cases are done, and each running case's
// time against its window.
class Progress {
 public:
  Progress(size_t total, bool tty) : total_(total), tty_(tty) {
    if (tty_) thread_ = std::thread([this] { loop(); });
  }
  ~Progress() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (tty_) std::cerr << "\r\033[K" << std::flush;
  }
  void started(size_t i, const CaseSpec& s) {
    std::lock_guard lk(mu_);
    running_[i] = {s.name, Clock::now(), double(s.window_ms) / 1000};
  }
  // Prints `text` above the live line.
  void finished(size_t i, const std::string& text) {
    std::lock_guard lk(mu_);
    running_.erase(i);
    ++done_;
    if (tty_) std::cerr << "\r\033[K" << std::flush;
    std::cout << text << std::flush;
    draw();
  }

 private:
  struct Running {
    std::string name;
    Clock::time_point start;
    double window_s;
  };
  void loop() {
    std::unique_lock lk(mu_);
    while (!cv_.wait_for(lk, milliseconds(250), [this] { return stop_; })) draw();
  }
  void draw() {  // with mu_ held
    if (!tty_) return;
    std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + " done]";
    for (const auto& [i, r] : running_) {
      char b[64];
      std::snprintf(b, sizeof b, " %.1f/%.0fs", std::chrono::duration<double>(Clock::now() - r.start).count(), r.window_s);
      line += "  " + r.name + b;
    }
    if (line.size() > 160) line = line.substr(0, 157) + "...";
    std::cerr << "\r\033[K" << line << std::flush;
  }
  size_t total_, done_ = 0;
  bool tty_, stop_ = false;
  std::map<size_t, Running> running_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

int run(const Args& a) {
  auto specs = load_all(a);
  std::cout << environment_banner() << std::flush;
  std::vector<const CaseSpec*> queue;
  for (int r = 0; r < a.repeat; ++r)
    for (const auto& s : specs) queue.push_back(&s);
  std::vector<CaseResult> results(queue.size());
  std::atomic<size_t> next{0};
  Progress progress(queue.size(), ::isatty(STDERR_FILENO));
  // Each case runs start to end on one worker thread: its endpoints' PR_SET_PDEATHSIG
  // is tied to the thread that started them.
  auto worker = [&] {
    for (size_t i; (i = next++) < queue.size();) {
      progress.started(i, *queue[i]);
      results[i] = run_case(*queue[i], RunOptions{a.out, a.pcap});
      std::string path;
      try {
        path = write_result(results[i], a.out);
      } catch (const std::exception& e) {
        path = std::string("(not written: ") + e.what() + ")";
      }
      std::string pcap = results[i].pcap ? "   capture: " + *results[i].pcap + "\n" : "";
      progress.finished(i, render_case(results[i]) + "   result: " + path + "\n" + pcap);
    }
  };
  const int jobs = a.jobs > 0 ? a.jobs : int(queue.size());
  std::vector<std::thread> pool;
  for (int j = 0; j < std::min<int>(jobs, int(queue.size())); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  std::cout << render_summary(results);
  for (const auto& r : results)
    if (!r.passed()) return 1;
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse_args(argc, argv);
    if (a.command == "run") return run(a);
    if (a.command == "report") return report_command(a.paths, a.out_given ? a.out : "", std::cerr);
    if (a.command == "validate" || a.command == "list") {
      auto specs = load_all(a);
      for (const auto& s : specs) {
        if (a.command == "list")
          std::cout << s.name << "\n    " << s.description << "\n";
        else
          std::cout << "ok  " << s.name << "  (" << s.file << ")\n";
      }
      return 0;
    }
    throw CaseError("unknown command '" + a.command + "'\n" + kUsage);
  } catch (const CaseError& e) {
    std::cerr << "crashlab: " << e.what() << "\n";
    return 2;
  }
}
