#include "netns/wire/packet_capture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "netns/sys/errors.hpp"

namespace fs = std::filesystem;

namespace crashlab {

namespace {
const char* const kInstall = "install the Debian package tcpdump (apt-get install tcpdump)";

fs::path pcap_path(fs::path file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".pcap")
    throw std::invalid_argument("packet capture file " + file.string() +
                                " must end in .pcap (Debian's AppArmor profile lets tcpdump write no other name)");
  return file;
}

// The capture goes to tcpdump's stdout (stdout_to()): its messages to stderr, our pipe.
std::vector<std::string> tcpdump_args(const std::string& interface, const std::string& filter, int snaplen) {
  std::vector<std::string> args{"-i", interface, "-n", "-U", "--immediate-mode", "-Z", "root",
                                "-s", std::to_string(snaplen), "-w", "-"};
  if (!filter.empty()) args.push_back(filter);
  return args;
}

// In the child, after its stdout and stderr went to our pipe: stdout to the file we
// created. Opened without O_CREAT, so a file crashlab-undo already removed stays gone.
ChildSetup stdout_to(const fs::path& file) {
  ChildSetup setup;
  setup.before_exec = [path = file.c_str()](int, const char*& message) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0) {
      message = "open the capture file as tcpdump's stdout";
      return errno;
    }
    ::close(fd);
    return 0;
  };
  setup.vfork_safe = true;
  return setup;
}

// What /proc says of the process: 'R', 'S', 'D', 'Z'..., or 0 once it is gone.
char proc_state(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(f, stat);
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : 0;
}

// unshare -Urn writes "deny" there; the initial user namespace always says "allow".
bool setgroups_denied() {
  std::ifstream f("/proc/self/setgroups");
  std::string v;
  return f >> v && v == "deny";
}

// "1 packet captured", "8 packets received by filter": the count before `what`.
std::optional<uint64_t> count_of(const std::string& line, const std::string& what) {
  unsigned long long n = 0;
  char noun[16] = {}, rest[64] = {};
  if (std::sscanf(line.c_str(), "%llu %15s %63[^\n]", &n, noun, rest) == 3 && rest == what &&
      (std::string(noun) == "packet" || std::string(noun) == "packets"))
    return n;
  return std::nullopt;
}
}  // namespace

std::string tcpdump_binary() {
  if (const char* p = std::getenv("CRASHLAB_TCPDUMP")) {
    if (::access(p, X_OK) == 0) return p;
    throw CaptureUnavailable(std::string("CRASHLAB_TCPDUMP=") + p + " is not an executable: unset it, or " + kInstall);
  }
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  std::istringstream path(dirs + ":/usr/bin:/usr/sbin");
  for (std::string dir; std::getline(path, dir, ':');)
    if (!dir.empty() && ::access((dir + "/tcpdump").c_str(), X_OK) == 0) return dir + "/tcpdump";
  throw CaptureUnavailable("packet capture needs tcpdump, which is not on PATH, /usr/bin or /usr/sbin: " +
                           std::string(kInstall));
}

PacketCapture::PacketCapture(const NetNs& ns, std::string interface, const std::string& filter, fs::path file,
                             int snaplen)
    : interface_(std::move(interface)),
      file_(pcap_path(std::move(file))),
      unfinished_(UndoAgent::shared().remove_if_abandoned(file_)),
      created_(file_),
      proc_(ns, tcpdump_binary(), tcpdump_args(interface_, filter, snaplen), NsProcess::Stderr::ToStdout,
            stdout_to(file_)) {
  created_.started = true;
  const auto started = Clock::now();
  const auto deadline = started + scaled(milliseconds(5000));
  while (read_line(deadline))
    if (lines_.back().find("listening on") != std::string::npos) return;

  // A capture that never started leaves no file.
  std::error_code ignored;
  fs::remove(file_, ignored);
  const bool timed_out = Clock::now() >= deadline;
  auto status = proc_.wait_exit(timed_out ? milliseconds(0) : scaled(milliseconds(2000)));
  if (!status)
    throw WaitTimeout("tcpdump on " + interface_ + " to say \"listening on\"", lines_.empty() ? "" : lines_.back(),
                      started);
  std::string msg = "tcpdump -i " + interface_ + " '" + filter + "' -w - >" + file_.string() + " " +
                    describe_exit(*status) + " before listening: " + output();
  // Debian's tcpdump, as uid 0, always switches user through initgroups(), even with
  // -Z root; in a user namespace that denies setgroups that cannot succeed.
  if (output().find("Couldn't change to") != std::string::npos && setgroups_denied())
    throw CaptureUnavailable(msg +
                             " (this user namespace denies setgroups(), as `unshare -Urn` does, and tcpdump "
                             "always calls it when running as uid 0: packet capture needs real root)");
  throw std::runtime_error(msg);
}

PacketCapture::CreatedFile::CreatedFile(const fs::path& file) : path(file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("creating the packet capture file " + file.string());
  ::close(fd);
}

PacketCapture::CreatedFile::~CreatedFile() {
  std::error_code ignored;
  if (!started) fs::remove(path, ignored);
}

PacketCapture::~PacketCapture() {
  try {
    stop();
  } catch (...) {
  }
}

uint64_t PacketCapture::stop() {
  if (captured_) return *captured_;
  const auto started = Clock::now();
  const bool died_first = stopped_ || proc_.wait_exit(milliseconds(0)).has_value();
  stopped_ = true;
  if (!died_first) {
    drain();  // a SIGINT makes libpcap drop what tcpdump has not yet taken from the ring
    proc_.signal(SIGINT);
  }
  auto status = proc_.wait_exit(scaled(milliseconds(5000)));
  if (!status) {
    proc_.signal(SIGKILL);
    throw WaitTimeout("tcpdump on " + interface_ + " to exit after SIGINT (now SIGKILLed)",
                      lines_.empty() ? "" : lines_.back(), started);
  }
  while (read_line(Clock::now() + scaled(milliseconds(1000)))) {
  }
  std::optional<uint64_t> captured, received;
  for (const auto& line : lines_) {
    if (auto n = count_of(line, "captured")) captured = n;
    if (auto n = count_of(line, "received by filter")) received = n;
  }
  if (captured && received && *received > *captured) missed_ = *received - *captured;
  // On SIGINT tcpdump exits normally; a signal means someone else ended it (a host crash).
  const bool ended_by_stop = !died_first && WIFEXITED(*status);
  if (!ended_by_stop || !captured)
    throw std::runtime_error("tcpdump on " + interface_ + " " + describe_exit(*status) +
                             (ended_by_stop ? " without reporting a packet count" : " before stop()") + ": " +
                             output() + "; " + file_.string() + " holds what it captured until then");
  captured_ = captured;
  return *captured_;
}

bool PacketCapture::drain(milliseconds timeout) {
  // A queued packet wakes tcpdump (state R) at once; asleep (S) means it has taken
  // everything, and -U means it has written it too.
  const auto busy = [&] { return std::string("RD").find(proc_state(proc_.pid())) != std::string::npos; };
  return sample_until([&] { return !busy(); }, Clock::now() + timeout);
}

void PacketCapture::discard() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ec;
  fs::remove(file_, ec);
  if (ec) throw fs::filesystem_error("removing the packet capture", file_, ec);
}

bool PacketCapture::read_line(Clock::time_point deadline) {
  for (;;) {
    if (auto nl = partial_.find('\n'); nl != std::string::npos) {
      lines_.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
      return true;
    }
    pollfd p{proc_.stdout_fd(), POLLIN, 0};
    int rc = ::poll(&p, 1, poll_budget_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw_errno("poll tcpdump's output");
    if (rc == 0) return false;
    char buf[4096];
    ssize_t n = ::read(proc_.stdout_fd(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (partial_.empty()) return false;
      partial_ += '\n';
      continue;
    }
    partial_.append(buf, size_t(n));
  }
}

std::string PacketCapture::output() const {
  std::string s;
  for (const auto& l : lines_) s += (s.empty() ? "" : " | ") + l;
  return s.empty() ? "(no output)" : s;
}

std::string PacketCapture::describe_exit(int status) const {
  if (WIFSIGNALED(status)) return std::string("was killed by SIG") + sigabbrev_np(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace crashlab
