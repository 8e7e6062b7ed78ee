#include "bench/crashlab_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "netns/sys/clock.hpp"

namespace crashlab::bench {

namespace fs = std::filesystem;

std::string ChildRun::status_text() const {
  return WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                           : "killed by signal " + std::to_string(WTERMSIG(status));
}

ChildRun run_bounded(std::vector<std::string> args, const std::string& log, int timeout_ms) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  const int64_t t0 = monotonic_ns();
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
      throw std::runtime_error(args[0] + " still running after " + std::to_string(timeout_ms / 1000) +
                               " s; killed it (log: " + log + ")");
    }
  }
  ChildRun out;
  rusage ru{};
  // wait4's usage is the child's own plus that of the descendants it reaped (RUSAGE_BOTH).
  while (::wait4(pid, &out.status, 0, &ru) < 0 && errno == EINTR) {
  }
  out.wall_ms = double(monotonic_ns() - t0) / 1e6;
  const auto secs = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  out.cpu_s = secs(ru.ru_utime) + secs(ru.ru_stime);
  return out;
}

fs::path make_temp_dir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  return tmpl;
}

std::vector<nlohmann::json> read_results(const fs::path& out) {
  std::vector<nlohmann::json> results;
  if (!fs::is_directory(out / "latest")) return results;  // crashlab run writes OUT/<timestamp>/, OUT/latest points at it
  for (const auto& e : fs::directory_iterator(out / "latest")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    results.push_back(nlohmann::json::parse(in));
  }
  return results;
}

std::string failures_of(const nlohmann::json& r) {
  if (r.contains("error") && r["error"].is_string()) return r["error"].get<std::string>();
  std::string out;
  for (const auto& f : r.value("failures", nlohmann::json::array())) {
    if (!out.empty()) out += "; ";
    out += text_of(f, "side", "?") + "." + text_of(f, "field", "?") + ": expected " +
           f.value("expected", nlohmann::json()).dump() + ", seen " + f.value("seen", nlohmann::json()).dump();
  }
  return out;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string text_of(const nlohmann::json& j, const char* key, const char* otherwise) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : otherwise;
}

}  // namespace crashlab::bench
