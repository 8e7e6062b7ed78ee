#include "netns/app/app_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "netns/app/sandbox.hpp"
#include "netns/sys/clock.hpp"
#include "netns/sys/errors.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab::app {

namespace {
constexpr size_t kMaxLine = 4096;   // longer lines are cut there (the rest of the line is skipped)
constexpr size_t kKeptEnd = 10000;  // a chatty program keeps its first and last lines, so many each
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// A path with a wildcard ("/usr/lib/postgresql/*/bin/postgres"): its last match in
// sorted order (the newest version), so a case need not name one.
std::optional<std::string> last_match(const std::string& pattern) {
  glob_t g{};
  std::optional<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = g.gl_pathc; i-- > 0;)
      if (executable(g.gl_pathv[i])) {
        out = g.gl_pathv[i];
        break;
      }
  ::globfree(&g);
  return out;
}

uint64_t mount_ns_of(pid_t pid) {
  struct stat st {};
  if (::stat(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), &st) != 0) return 0;
  return st.st_ino;
}

// The defaults, each replaced by the case's own value of the same name.
std::vector<std::string> program_env(const Launch& l) {
  const char* path = std::getenv("PATH");
  std::vector<std::string> env = {std::string("PATH=") + (path ? path : kDefaultPath),
                                  std::string("HOME=") + kPrivateDir, "LANG=C"};
  for (const std::string& kv : l.env) {
    const std::string name = kv.substr(0, kv.find('=') + 1);
    std::erase_if(env, [&](const std::string& e) { return e.rfind(name, 0) == 0; });
    env.push_back(kv);
  }
  return env;
}

Sandbox sandbox_for(const Launch& l, const std::string& label) {
  Sandbox s;
  s.env = program_env(l);
  s.as_nobody = l.as_nobody;
  s.prepare_timeout_s = l.prepare_timeout_s;
  for (size_t i = 0; i < l.prepare.size(); ++i) {
    auto argv = l.prepare[i];
    if (argv.empty()) throw std::invalid_argument(label + ": prepare[" + std::to_string(i) + "] is empty");
    auto exe = find_program(argv[0]);
    if (!exe) throw std::invalid_argument(label + ": prepare[" + std::to_string(i) + "]: no program " + argv[0]);
    argv[0] = *exe;
    s.prepare.push_back(std::move(argv));
  }
  return s;
}
}  // namespace

std::optional<std::string> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.rfind(std::string(kPrivateDir) + "/", 0) == 0)
    throw std::invalid_argument(name + " is under " + kPrivateDir +
                                ", which the program's private /tmp hides: put it elsewhere");
  if (name.find_first_of("*?[") != std::string::npos) return last_match(name);
  if (name.find('/') != std::string::npos) return executable(name) ? std::optional(name) : std::nullopt;
  const char* env = std::getenv("PATH");
  std::string path = env ? env : kDefaultPath;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && executable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::string ProgramExit::text() const {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with status " + std::to_string(status);
}

AppProcess::AppProcess(const NetNs& ns, const Launch& launch, std::string label)
    : label_(std::move(label)), launch_(launch) {
  if (launch.command.empty()) throw std::invalid_argument(label_ + ": the command is empty");
  const auto exe = find_program(launch.command[0]);
  if (!exe) throw std::invalid_argument(label_ + ": no program " + launch.command[0] + " (is its package installed?)");
  const SandboxSetup setup(sandbox_for(launch, label_));
  std::vector<std::string> args(launch.command.begin() + 1, launch.command.end());
  try {
    proc_ = std::make_unique<NsProcess>(ns, *exe, args, NsProcess::Stderr::ToStdout, setup.child_setup());
  } catch (const std::exception& e) {
    throw std::runtime_error(label_ + ": could not start " + *exe + ": " + e.what());
  }
  launch_.command[0] = *exe;  // what ran, not the name or pattern it was found by
  pid_ = proc_->pid();
  // Not reaped yet (the reader thread does that), so the pid is still this process's.
  // If it has already exited (a zombie shows no namespaces), so has the program, the
  // first process of its PID namespace, and with it everything it started: none left.
  mnt_ns_fd_.reset(::open(("/proc/" + std::to_string(pid_) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!mnt_ns_fd_ || ::fstat(mnt_ns_fd_.get(), &st) != 0) {
    pollfd exited{proc_->pidfd(), POLLIN, 0};
    // A process that has left its namespaces is a moment away from being a zombie.
    if (::poll(&exited, 1, 1000) != 1)
      throw std::runtime_error(label_ + ": its mount namespace cannot be read, so its processes could not be told apart");
    st.st_ino = 0;
  }
  mnt_ns_ = st.st_ino;
  reader_ = std::thread([this] { read_output(); });
}

AppProcess::~AppProcess() {
  stop_.signal();
  reader_.join();
  // Its PID namespace dies with the program; until the kernel has them all gone (so
  // that the host's namespace and the private /tmp go too), SIGKILL what is left.
  const auto deadline = Clock::now() + milliseconds(5000);
  sample_until([&] { return signal_all(SIGKILL) == 0; }, deadline, milliseconds(2));
  proc_.reset();  // reaps the process the runner started
}

void AppProcess::add_line(std::string text) {
  std::lock_guard lock(mu_);
  OutputLine line{monotonic_ns(), std::move(text)};
  if (head_.size() < kKeptEnd) {
    head_.push_back(std::move(line));
    return;
  }
  tail_.push_back(std::move(line));
  if (tail_.size() > kKeptEnd) {
    tail_.pop_front();
    ++dropped_;
  }
}

void AppProcess::read_output() {
  std::string partial;
  bool open = true, running = true, skipping = false;  // skipping: the rest of a line cut at kMaxLine
  char buf[8192];
  while (open || running) {
    pollfd fds[3] = {{stop_.fd(), POLLIN, 0}, {open ? proc_->stdout_fd() : -1, POLLIN, 0},
                     {running ? proc_->pidfd() : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents) return;
    if (fds[1].revents) {
      const ssize_t n = ::read(proc_->stdout_fd(), buf, sizeof buf);
      if (n <= 0) {
        open = false;
        if (!partial.empty() && !skipping) add_line(std::move(partial));
        partial.clear();
      } else {
        partial.append(buf, size_t(n));
        for (size_t nl; (nl = partial.find('\n')) != std::string::npos;) {
          if (!skipping) add_line(partial.substr(0, std::min(nl, kMaxLine)));
          skipping = false;
          partial.erase(0, nl + 1);
        }
        if (partial.size() > kMaxLine) {
          if (!skipping) add_line(partial.substr(0, kMaxLine));
          skipping = true;
          partial.clear();
        }
      }
      notify_.signal();
    }
    if (fds[2].revents) {
      running = false;
      if (auto status = proc_->wait_exit(milliseconds(0))) {
        std::lock_guard lock(mu_);
        exit_ = ProgramExit{monotonic_ns(), *status};
      }
      notify_.signal();
    }
  }
}

std::vector<OutputLine> AppProcess::lines() const {
  std::lock_guard lock(mu_);
  std::vector<OutputLine> out = head_;
  out.insert(out.end(), tail_.begin(), tail_.end());
  return out;
}

size_t AppProcess::lines_dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::optional<ProgramExit> AppProcess::exit() const {
  std::lock_guard lock(mu_);
  return exit_;
}

std::vector<pid_t> AppProcess::processes() const {
  std::vector<pid_t> out;
  if (!mnt_ns_) return out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = pid_t(std::stol(name));
    if (mount_ns_of(pid) != mnt_ns_) continue;
    // A zombie has no mount namespace left to show; one still listed is on its way out.
    out.push_back(pid);
  }
  return out;
}

int AppProcess::signal_all(int sig) const {
  int reached = 0;
  for (pid_t pid : processes())
    if (::kill(pid, sig) == 0) ++reached;
  return reached;
}

UniqueFd AppProcess::take_socket(uint64_t inode) const {
  const std::string want = "socket:[" + std::to_string(inode) + "]";
  for (pid_t pid : processes()) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::error_code lec;
      if (std::filesystem::read_symlink(entry.path(), lec).string() != want) continue;
      const int target_fd = std::stoi(entry.path().filename().string());
      UniqueFd pidfd(int(::syscall(SYS_pidfd_open, pid, 0)));
      if (!pidfd) throw_errno(label_ + ": pidfd_open " + std::to_string(pid));
      UniqueFd fd(int(::syscall(SYS_pidfd_getfd, pidfd.get(), target_fd, 0)));
      if (!fd) throw_errno(label_ + ": pidfd_getfd of " + want + " (fd " + std::to_string(target_fd) + " of pid " +
                           std::to_string(pid) + ")");
      return fd;
    }
  }
  throw std::runtime_error(label_ + ": no process of it holds " + want);
}

}  // namespace crashlab::app
