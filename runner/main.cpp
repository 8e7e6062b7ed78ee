// crashlab: run, list and validate crash cases. Exit 0: every expectation held;
// 1: some failed (or could not run); 2: invalid input.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "runner/case_run.hpp"
#include "runner/case_spec.hpp"
#include "runner/environment.hpp"
#include "runner/result_json.hpp"
#include "runner/table.hpp"

using namespace crashlab;

namespace {
constexpr const char* kUsage =
    "usage: crashlab run PATH... [--set ROLE.sysctl.NAME=VALUE] [--set ROLE.socket.OPTION=VALUE]\n"
    "                    [--repeat N] [--jobs N] [--out DIR]\n"
    "       crashlab list [PATH...]\n"
    "       crashlab validate PATH...\n"
    "PATH is a case file or a folder of them (default: cases). ROLE is server, client or all.\n";

struct Args {
  std::string command;
  std::vector<std::string> paths, sets;
  int repeat = 1, jobs = 2;
  std::string out = "results";
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
    else if (s == "--out") a.out = value();
    else if (s.rfind("--", 0) == 0) throw CaseError("unknown option " + s + "\n" + kUsage);
    else a.paths.push_back(s);
  }
  if (a.paths.empty()) a.paths.push_back("cases");
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

int run(const Args& a) {
  auto specs = load_all(a);
  std::cout << environment_banner() << std::flush;
  std::vector<const CaseSpec*> queue;
  for (int r = 0; r < a.repeat; ++r)
    for (const auto& s : specs) queue.push_back(&s);
  std::vector<CaseResult> results(queue.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex out_mu;
  bool tty = ::isatty(STDERR_FILENO);
  // Each case runs start to end on one worker thread: its endpoints' PR_SET_PDEATHSIG
  // is tied to the thread that started them.
  auto worker = [&] {
    for (size_t i; (i = next++) < queue.size();) {
      results[i] = run_case(*queue[i]);
      std::string path;
      try {
        path = write_result(results[i], a.out);
      } catch (const std::exception& e) {
        path = std::string("(not written: ") + e.what() + ")";
      }
      std::lock_guard lk(out_mu);
      ++done;
      if (tty) std::cerr << "\r\033[K";
      std::cout << render_case(results[i]) << "   result: " << path << "\n" << std::flush;
      if (tty) std::cerr << "[" << done << "/" << queue.size() << "] running..." << std::flush;
    }
  };
  std::vector<std::thread> pool;
  for (int j = 0; j < std::min<int>(a.jobs, int(queue.size())); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (tty) std::cerr << "\r\033[K";
  std::cout << render_summary(results);
  for (const auto& r : results)
    if (r.verdict != "pass") return 1;
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse_args(argc, argv);
    if (a.command == "run") return run(a);
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
