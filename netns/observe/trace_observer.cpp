#include "netns/trace_observer.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <set>
#include <span>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "netns/clock.hpp"
#include "netns/errors.hpp"
#include "netns/tcp_state.hpp"
#include "netns/tracefs_format.hpp"
#include "netns/unique_fd.hpp"

namespace crashlab {
namespace {

using Kind = KernelEvent::Kind;

struct TracepointSpec {
  const char* name;
  Kind kind;
  bool required;
};

constexpr TracepointSpec kTracepoints[] = {
    {"sock:inet_sock_set_state", Kind::StateChange, true},
    {"tcp:tcp_retransmit_skb", Kind::Retransmit, false},
    {"tcp:tcp_receive_reset", Kind::ReceiveReset, false},
    {"tcp:tcp_send_reset", Kind::SendReset, false},
    {"sock:inet_sk_error_report", Kind::ErrorReport, false},
};

constexpr const char* kTracingDir = "/sys/kernel/tracing";  // inside our private mount namespace only
constexpr const char* kInstancePrefix = "crashlab-";
constexpr const char* kBufferSizeKb = "256";  // per CPU

// ---- errors ------------------------------------------------------------------

[[noreturn]] void fail(const std::string& what, int err, const std::string& hint = "") {
  throw TraceUnavailable(what + ": " + errno_name(err) + hint);
}

// ---- decoding raw tracepoint records -------------------------------------------

// Where one tracepoint keeps the fields we use (absent ones stay nullopt).
struct Layout {
  std::optional<TraceField> skaddr, oldstate, newstate, sport, dport, family, protocol, saddr, daddr,
      saddr_v6, daddr_v6, error, err, state, reason;

  explicit Layout(const TraceFormat& f)
      : skaddr(get(f, "skaddr")), oldstate(get(f, "oldstate")), newstate(get(f, "newstate")),
        sport(get(f, "sport")), dport(get(f, "dport")), family(get(f, "family")),
        protocol(get(f, "protocol")), saddr(get(f, "saddr")), daddr(get(f, "daddr")),
        saddr_v6(get(f, "saddr_v6")), daddr_v6(get(f, "daddr_v6")), error(get(f, "error")),
        err(get(f, "err")), state(get(f, "state")), reason(get(f, "reason")) {}

  // tcp_send_reset (since 6.x) stores whole sockaddr_in/in6 structs instead of ports.
  bool addresses_are_sockaddrs() const {
    return !sport && saddr && daddr && saddr->size >= sizeof(sockaddr_in6) && daddr->size >= sizeof(sockaddr_in6);
  }

 private:
  static std::optional<TraceField> get(const TraceFormat& f, std::string_view name) {
    const TraceField* field = f.field(name);
    return field ? std::optional(*field) : std::nullopt;
  }
};

struct Tracepoint {
  Kind kind;
  TraceFormat format;
  Layout layout;
  std::map<int64_t, std::string> reason_names;
  bool kernel_filterable;  // has sport/dport fields the kernel can filter on

  std::string name() const { return format.system + ":" + format.name; }
};

class RawRecord {
 public:
  explicit RawRecord(std::span<const uint8_t> raw) : raw_(raw) {}

  bool has(const std::optional<TraceField>& f) const { return f && f->offset + f->size <= raw_.size(); }

  int64_t integer(const std::optional<TraceField>& f) const {
    if (!has(f)) return 0;
    const uint8_t* p = raw_.data() + f->offset;
    switch (f->size) {
      case 1: return f->is_signed ? int64_t(int8_t(*p)) : int64_t(*p);
      case 2: return load<uint16_t, int16_t>(p, f->is_signed);
      case 4: return load<uint32_t, int32_t>(p, f->is_signed);
      case 8: return load<uint64_t, int64_t>(p, f->is_signed);
      default: return 0;
    }
  }

  const uint8_t* bytes(const std::optional<TraceField>& f, size_t need) const {
    return has(f) && f->size >= need ? raw_.data() + f->offset : nullptr;
  }

 private:
  template <class U, class S>
  static int64_t load(const uint8_t* p, bool is_signed) {
    U v;
    std::memcpy(&v, p, sizeof v);
    return is_signed ? int64_t(S(v)) : int64_t(v);
  }

  std::span<const uint8_t> raw_;
};

std::string ip_text(int family, const uint8_t* addr) {
  if (!addr) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  return inet_ntop(family, addr, buf, sizeof buf) ? buf : "";
}

// sockaddr_in / sockaddr_in6 image as stored by tcp_send_reset (port in network order).
void read_sockaddr(const uint8_t* sa, std::string& addr, uint16_t& port) {
  if (!sa) return;
  sa_family_t family;
  std::memcpy(&family, sa, sizeof family);
  if (family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, sa, sizeof in);
    port = ntohs(in.sin_port);
    addr = ip_text(AF_INET, reinterpret_cast<const uint8_t*>(&in.sin_addr));
  } else if (family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, sa, sizeof in6);
    port = ntohs(in6.sin6_port);
    addr = ip_text(AF_INET6, in6.sin6_addr.s6_addr);
  }
}

void read_endpoints(const Layout& l, const RawRecord& r, KernelEvent& ev) {
  if (l.addresses_are_sockaddrs()) {
    read_sockaddr(r.bytes(l.saddr, sizeof(sockaddr_in6)), ev.saddr, ev.sport);
    read_sockaddr(r.bytes(l.daddr, sizeof(sockaddr_in6)), ev.daddr, ev.dport);
    return;
  }
  ev.sport = uint16_t(r.integer(l.sport));
  ev.dport = uint16_t(r.integer(l.dport));
  const int family = r.has(l.family) ? int(r.integer(l.family)) : AF_INET;
  if (family == AF_INET6) {
    ev.saddr = ip_text(AF_INET6, r.bytes(l.saddr_v6, 16));
    ev.daddr = ip_text(AF_INET6, r.bytes(l.daddr_v6, 16));
  } else {
    ev.saddr = ip_text(AF_INET, r.bytes(l.saddr, 4));
    ev.daddr = ip_text(AF_INET, r.bytes(l.daddr, 4));
  }
}

// nullopt for a non-TCP socket (SCTP/MPTCP also pass through inet_sock_set_state).
std::optional<KernelEvent> decode(const Tracepoint& tp, std::span<const uint8_t> raw, int64_t t_ns) {
  const Layout& l = tp.layout;
  const RawRecord r(raw);
  if (r.has(l.protocol) && r.integer(l.protocol) != IPPROTO_TCP) return std::nullopt;
  KernelEvent ev{};
  ev.kind = tp.kind;
  ev.t_ns = t_ns;
  ev.oldstate = int(r.integer(l.oldstate));
  ev.newstate = int(r.integer(l.newstate));
  ev.state = int(r.integer(l.state));
  ev.skaddr = uint64_t(r.integer(l.skaddr));
  ev.error = int(std::abs(r.integer(r.has(l.error) ? l.error : l.err)));
  if (r.has(l.reason)) {
    const int64_t code = r.integer(l.reason);
    const auto name = tp.reason_names.find(code);
    ev.reason = name != tp.reason_names.end() ? name->second : std::to_string(code);
  }
  read_endpoints(l, r, ev);
  return ev;
}

// e.g. "protocol == 6 && (sport == 5001 || dport == 5001)"; "protocol == 6" for all
// ports; "" (no filter) if the tracepoint has neither. nullopt ports = every port.
std::string kernel_filter(const Layout& l, const std::optional<std::set<uint16_t>>& ports) {
  std::string by_port;
  if (ports && l.sport && l.dport)
    for (uint16_t p : *ports) {
      if (!by_port.empty()) by_port += " || ";
      by_port += "sport == " + std::to_string(p) + " || dport == " + std::to_string(p);
    }
  std::string tcp = l.protocol ? "protocol == " + std::to_string(IPPROTO_TCP) : "";
  if (by_port.empty()) return tcp;
  return tcp.empty() ? by_port : tcp + " && (" + by_port + ")";
}

// Formats of kTracepoints (nullopt where this kernel lacks one); throws if the
// required ones are missing.
std::vector<std::optional<TraceFormat>> load_formats() {
  std::vector<std::string> names;
  for (const auto& spec : kTracepoints) names.push_back(spec.name);
  std::vector<std::optional<TraceFormat>> formats;
  try {
    formats = tracepoint_formats(names);
  } catch (const TracefsUnavailable& e) {
    throw TraceUnavailable(std::string("reading tracepoint formats: ") + e.what());
  } catch (const std::exception& e) {
    throw TraceUnavailable(std::string("parsing tracepoint formats: ") + e.what());
  }
  for (size_t i = 0; i < formats.size(); ++i)
    if (kTracepoints[i].required && !formats[i])
      throw TraceUnavailable(std::string("tracepoint ") + kTracepoints[i].name + " does not exist on this kernel");
  return formats;
}

// ---- ftrace ring-buffer pages ----------------------------------------------------

// Layout of one ring-buffer page as read from trace_pipe_raw (events/header_page).
struct PageLayout {
  size_t commit_offset = 8, commit_size = 8, data_offset = 16, page_size = 4096;
};

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Calls on_event(t_ns, payload) for each data event of one page (timestamps in the
// instance's trace clock, CLOCK_MONOTONIC here) and adds the page's lost-event count.
// The encoding is the kernel's ring buffer (kernel/trace/ring_buffer.c): a 32-bit
// header {type_len:5, time_delta:27} per event, time extends and absolute stamps in
// between, padding for discarded events and the page's unused tail.
template <class F>
void parse_page(std::span<const uint8_t> page, const PageLayout& pl, F&& on_event, uint64_t& lost) {
  if (page.size() < pl.data_offset) return;
  constexpr uint64_t kMissedEvents = 1ull << 31, kMissedStored = 1ull << 30;
  constexpr uint32_t kPadding = 29, kTimeExtend = 30, kTimeStamp = 31;
  constexpr uint64_t kTsMsb = 0xfull << 59;
  uint64_t ts = load64(page.data());
  const uint64_t commit = pl.commit_size == 8 ? load64(page.data() + pl.commit_offset)
                                              : load32(page.data() + pl.commit_offset);
  const size_t room = page.size() - pl.data_offset;
  const size_t len = std::min<size_t>(commit & (kMissedStored - 1), room);
  const uint8_t* data = page.data() + pl.data_offset;
  if (commit & kMissedEvents) {
    // With RB_MISSED_STORED the count follows the data; otherwise at least one.
    lost += (commit & kMissedStored) && len + sizeof(uint64_t) <= room ? load64(data + len) : 1;
  }
  for (size_t pos = 0; pos + 4 <= len;) {
    const uint32_t header = load32(data + pos);
    const uint32_t type_len = header & 31, delta = header >> 5;
    if (type_len == kPadding) {
      if (delta == 0 || pos + 8 > len) break;  // the rest of the page is empty
      ts += delta;  // a discarded event: later deltas count from it
      pos += 4 + size_t(load32(data + pos + 4));
    } else if (type_len == kTimeExtend) {
      if (pos + 8 > len) break;
      ts += (uint64_t(load32(data + pos + 4)) << 27) + delta;
      pos += 8;
    } else if (type_len == kTimeStamp) {
      if (pos + 8 > len) break;
      uint64_t abs = (uint64_t(load32(data + pos + 4)) << 27) | delta;
      if (ts & kTsMsb) {  // the stamp holds the low 59 bits only (rb_fix_abs_ts)
        abs |= ts & kTsMsb;
        if (abs < ts) abs += 1ull << 59;
      }
      ts = abs;
      pos += 8;
    } else if (type_len == 0) {  // long event: length (payload + 4) in the next word
      if (pos + 8 > len) break;
      const size_t size = load32(data + pos + 4);
      if (size < 4 || pos + 4 + size > len) break;
      ts += delta;
      on_event(int64_t(ts), std::span<const uint8_t>(data + pos + 8, size - 4));
      pos += 4 + size;
    } else {  // payload of type_len * 4 bytes
      const size_t size = size_t(type_len) * 4;
      if (pos + 4 + size > len) break;
      ts += delta;
      on_event(int64_t(ts), std::span<const uint8_t>(data + pos + 4, size));
      pos += 4 + size;
    }
  }
}

PageLayout parse_header_page(const std::string& text) {
  PageLayout pl;
  for (const TraceField& f : parse_trace_fields(text)) {
    if (f.name == "commit") {
      pl.commit_offset = f.offset;
      pl.commit_size = f.size;
    } else if (f.name == "data") {
      pl.data_offset = f.offset;
      pl.page_size = f.offset + f.size;
    }
  }
  if (pl.commit_size != 4 && pl.commit_size != 8) throw TraceUnavailable("events/header_page: unexpected commit size");
  return pl;
}

// ---- the tracefs instance ----------------------------------------------------------

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("open " + path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(int fd, const std::string& text, const std::string& what) {
  if (::write(fd, text.data(), text.size()) != ssize_t(text.size())) fail("write " + what, errno);
}

void write_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) fail("open " + path, errno);
  write_text(fd.get(), text, path + " <- \"" + text + "\"");
}

UniqueFd open_file(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd) fail("open " + path, errno);
  return fd;
}

std::vector<int> cpus_listed(const char* path) {
  std::ifstream in(path);
  std::string list;
  if (!std::getline(in, list)) fail(std::string("read ") + path, errno);
  std::vector<int> cpus;
  std::istringstream ranges(list);
  for (std::string range; std::getline(ranges, range, ',');) {
    const auto dash = range.find('-');
    const int lo = std::stoi(range), hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
  }
  return cpus;
}

// Field 22 of /proc/PID/stat (start time in clock ticks since boot); 0 if the process
// is gone. Identifies a process across pid reuse.
unsigned long long start_time_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i < 22 && rest >> field; ++i) {
  }
  unsigned long long start = 0;
  rest >> start;
  return start;
}

// Runs fn on a short-lived thread in a private mount namespace with tracefs mounted
// at kTracingDir; nothing propagates out of that namespace, which dies with the thread
// unless fn hands it to a child process. Rethrows fn's exception.
template <class F>
void with_private_tracefs(F&& fn) {
  std::exception_ptr failure;
  std::thread([&] {
    try {
      // The process's network namespace, not the caller thread's (which may be a
      // case's): the reaper forked from here must not keep a case namespace alive.
      if (UniqueFd net(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)); net) ::setns(net.get(), CLONE_NEWNET);
      if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS) for a private tracefs mount", errno);
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        fail("mount(\"/\", MS_REC|MS_PRIVATE)", errno);
      // No mount options: tracefs has a single superblock, options would reconfigure it.
      if (::mount("nodev", kTracingDir, "tracefs", 0, nullptr) != 0)
        fail(std::string("mount(tracefs, ") + kTracingDir + ") in a private mount namespace", errno);
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  }).join();
  if (failure) std::rethrow_exception(failure);
}

// Removes instances whose owner is gone (a killed reaper). An instance still in use
// has open files, so its rmdir fails with EBUSY and it stays.
void remove_stale_instances(const std::string& instances) {
  DIR* dir = ::opendir(instances.c_str());
  if (!dir) return;
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (!name.starts_with(kInstancePrefix)) continue;
    long long pid = 0;
    unsigned long long start = 0;
    if (std::sscanf(name.c_str() + std::strlen(kInstancePrefix), "%lld-%llu", &pid, &start) != 2) continue;
    if (pid <= 0 || start_time_of(pid_t(pid)) != start) stale.push_back(instances + "/" + name);
  }
  ::closedir(dir);
  for (const auto& path : stale) ::rmdir(path.c_str());
}

struct EventFiles {
  UniqueFd enable, filter;
};

// One ftrace instance of this process: its per-CPU trace_pipe_raw files, the enable
// and filter file of each tracepoint, and the reaper that removes the instance when
// this process is gone.
class Instance {
 public:
  Instance(const std::vector<Tracepoint>& tracepoints, std::string& notes) {
    static std::atomic<unsigned> sequence{0};
    const pid_t self = ::getpid();
    name_ = kInstancePrefix + std::to_string(self) + "-" + std::to_string(start_time_of(self)) + "-" +
            std::to_string(sequence++);
    with_private_tracefs([&] { set_up(tracepoints, notes); });
  }

  ~Instance() {
    for (auto& e : events_) {
      [[maybe_unused]] auto n = ::write(e.enable.get(), "0", 1);
    }
    cpus_.clear();
    events_.clear();
    // The reaper sees EOF, removes the (now unused) instance and exits.
    reaper_pipe_.reset();
    if (!wait_for_reaper()) {
      try {
        with_private_tracefs([&] { ::rmdir(path_.c_str()); });
      } catch (const std::exception&) {
        // Left for the next session's stale-instance sweep.
      }
    }
  }

  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const PageLayout& page_layout() const { return page_; }
  // Per CPU: trace_pipe_raw, non-blocking.
  const std::vector<UniqueFd>& cpus() const { return cpus_; }
  EventFiles& files(size_t tracepoint) { return events_[tracepoint]; }

 private:
  void set_up(const std::vector<Tracepoint>& tracepoints, std::string& notes) {
    const std::string instances = std::string(kTracingDir) + "/instances";
    remove_stale_instances(instances);
    path_ = instances + "/" + name_;
    if (::mkdir(path_.c_str(), 0700) != 0) fail("mkdir " + path_ + " (a tracefs instance)", errno);
    try {
      page_ = parse_header_page(read_text(std::string(kTracingDir) + "/events/header_page"));
      // Since 6.8 an instance's sub-buffers can differ from header_page's page size.
      if (const std::string subbuf = path_ + "/buffer_subbuf_size_kb"; ::access(subbuf.c_str(), F_OK) == 0)
        page_.page_size = std::max(page_.page_size, size_t(std::stoul(read_text(subbuf))) * 1024);
      write_file(path_ + "/trace_clock", "mono");  // = ktime_get_mono_fast_ns, CLOCK_MONOTONIC
      write_file(path_ + "/buffer_size_kb", kBufferSizeKb);
      // Wake a poll()ing reader on any data, not once the buffer is half full.
      if (::access((path_ + "/buffer_percent").c_str(), F_OK) == 0) write_file(path_ + "/buffer_percent", "0");
      else notes += (notes.empty() ? "" : "; ") + std::string("no buffer_percent: events may be read late");
      for (const auto& tp : tracepoints) {
        const std::string dir = path_ + "/events/" + tp.format.system + "/" + tp.format.name;
        events_.push_back({open_file(dir + "/enable", O_WRONLY), open_file(dir + "/filter", O_WRONLY)});
      }
      std::set<int> online;
      for (int c : cpus_listed("/sys/devices/system/cpu/online")) online.insert(c);
      for (int cpu : cpus_listed("/sys/devices/system/cpu/possible")) {
        const std::string pipe = path_ + "/per_cpu/cpu" + std::to_string(cpu) + "/trace_pipe_raw";
        UniqueFd fd(::open(pipe.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (fd) cpus_.push_back(std::move(fd));
        else if (online.contains(cpu)) fail("open " + pipe, errno);
      }
      if (cpus_.empty()) throw TraceUnavailable("no per-CPU trace buffers in " + path_);
      start_reaper();
    } catch (...) {
      events_.clear();
      cpus_.clear();
      ::rmdir(path_.c_str());
      throw;
    }
  }

  // A child that only waits for this process to go away (EOF on a pipe whose write
  // end only we hold, close-on-exec), then removes the instance. It keeps this
  // thread's private mount namespace, so it can reach the instance with nothing
  // mounted anywhere else. Between fork and _exit it makes only raw system calls.
  void start_reaper() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2", errno);
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    const std::string path = path_;  // no allocation after fork
    const char* c_path = path.c_str();
    const pid_t pid = ::fork();
    if (pid < 0) fail("fork (tracefs instance reaper)", errno);
    if (pid == 0) {
      sigset_t all;
      ::sigfillset(&all);
      ::sigprocmask(SIG_BLOCK, &all, nullptr);  // only SIGKILL stops it
      ::setpgid(0, 0);                          // out of the caller's process group
      ::prctl(PR_SET_NAME, "crashlab-tracefs", 0, 0, 0);
      ::dup2(read_end.get(), 0);
      ::syscall(SYS_close_range, 1u, ~0u, 0u);  // hold nothing of the parent's: fds, pipes, namespaces
      for (char byte;;) {
        const ssize_t r = ::read(0, &byte, 1);
        if (r == 0 || (r < 0 && errno != EINTR)) break;
      }
      // The parent's files may take a moment to be released after it is gone.
      const timespec pause{0, 10'000'000};
      int removed = ::rmdir(c_path);
      for (int i = 0; i < 500 && removed != 0 && errno == EBUSY; ++i) {
        ::nanosleep(&pause, nullptr);
        removed = ::rmdir(c_path);
      }
      ::_exit(removed == 0 || errno == ENOENT ? 0 : 1);
    }
    reaper_ = pid;
    reaper_pidfd_ = UniqueFd(int(::syscall(SYS_pidfd_open, pid, 0)));
    reaper_pipe_ = std::move(write_end);
  }

  // True once the reaper has removed the instance and exited (or was reaped by
  // someone else: SIGCHLD ignored); false if it failed, is stuck or died early.
  bool wait_for_reaper() {
    if (reaper_ <= 0) return false;
    if (reaper_pidfd_) {
      pollfd p{reaper_pidfd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 10'000) != 1) return false;
    }
    int status = 0;
    const pid_t r = ::waitpid(reaper_, &status, reaper_pidfd_ ? WNOHANG : 0);
    if (r < 0) return errno == ECHILD;
    return r == reaper_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  std::string name_, path_;  // path_ is valid in the private namespace only
  PageLayout page_;
  std::vector<EventFiles> events_;
  std::vector<UniqueFd> cpus_;
  pid_t reaper_ = -1;
  UniqueFd reaper_pidfd_, reaper_pipe_;
};

// ---- the process-wide session ------------------------------------------------------

// One observer: its ports and what was recorded for them.
struct Subscriber {
  std::optional<std::set<uint16_t>> ports;  // nullopt: every port
  int64_t t_start = 0;                      // events before start() belong to others
  uint64_t lost_at_start = 0;

  std::mutex mu;  // guards recorded
  std::condition_variable cv;
  std::vector<KernelEvent> recorded;  // in arrival order

  bool wanted(const KernelEvent& ev) const {
    return ev.t_ns >= t_start && (!ports || ports->contains(ev.sport) || ports->contains(ev.dport));
  }
};

// The process's tracing: one instance, one reader thread, the subscribed observers.
class TraceSession {
 public:
  // The process's session, created on first use; it lives while an observer holds it.
  static std::shared_ptr<TraceSession> acquire() {
    static std::mutex mu;
    static std::weak_ptr<TraceSession> current;
    std::lock_guard lock(mu);
    if (auto s = current.lock()) return s;
    auto s = std::make_shared<TraceSession>();
    current = s;
    return s;
  }

  TraceSession() {
    setup_tracepoints(load_formats());
    instance_ = std::make_unique<Instance>(tracepoints_, notes_);
    wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    if (!wake_) fail("eventfd", errno);
    scratch_.resize(instance_->page_layout().page_size);
    reader_ = std::thread([this] { read_loop(); });
  }

  ~TraceSession() {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
    reader_.join();
  }

  TraceSession(const TraceSession&) = delete;
  TraceSession& operator=(const TraceSession&) = delete;

  void subscribe(Subscriber* sub) {
    std::lock_guard lock(subs_mu_);
    sub->t_start = monotonic_ns();
    sub->lost_at_start = lost_.load();
    subscribers_.push_back(sub);
    apply_filters();
    if (!enabled_) {
      for (size_t i = 0; i < tracepoints_.size(); ++i)
        write_text(instance_->files(i).enable.get(), "1", "enable " + tracepoints_[i].name());
      enabled_ = true;
    }
  }

  void unsubscribe(Subscriber* sub) {
    std::lock_guard lock(subs_mu_);
    std::erase(subscribers_, sub);
    if (subscribers_.empty()) return;  // the session ends with its last holder
    try {
      apply_filters();
    } catch (const TraceUnavailable&) {
      // A wider filter than needed only costs user-space filtering.
    }
  }

  // Reads everything the per-CPU buffers hold now and hands it to the subscribers.
  void drain() {
    std::vector<KernelEvent> fresh;
    {
      std::lock_guard lock(drain_mu_);
      const PageLayout& pl = instance_->page_layout();
      uint64_t lost = 0;
      for (const UniqueFd& cpu : instance_->cpus()) {
        for (;;) {
          const ssize_t n = ::read(cpu.get(), scratch_.data(), scratch_.size());
          if (n <= 0) break;  // EAGAIN: empty for now
          parse_page(std::span<const uint8_t>(scratch_.data(), size_t(n)), pl,
                     [&](int64_t t, std::span<const uint8_t> raw) { handle(raw, t, fresh); }, lost);
        }
      }
      lost_ += lost;
    }
    if (fresh.empty()) return;
    std::lock_guard lock(subs_mu_);
    for (Subscriber* sub : subscribers_) {
      bool any = false;
      {
        std::lock_guard sub_lock(sub->mu);
        for (const auto& ev : fresh)
          if (sub->wanted(ev)) {
            sub->recorded.push_back(ev);
            any = true;
          }
      }
      if (any) sub->cv.notify_all();
    }
  }

  uint64_t lost() const { return lost_.load(); }
  std::string notes() const {
    std::lock_guard lock(subs_mu_);
    return notes_;
  }

 private:
  void add_note(const std::string& note) { notes_ += (notes_.empty() ? "" : "; ") + note; }

  void setup_tracepoints(const std::vector<std::optional<TraceFormat>>& formats) {
    for (size_t i = 0; i < formats.size(); ++i) {
      if (!formats[i]) {
        add_note(std::string(kTracepoints[i].name) + " not on this kernel, not recorded");
        continue;
      }
      Layout layout(*formats[i]);
      const bool filterable = layout.sport && layout.dport;
      Tracepoint tp{kTracepoints[i].kind, *formats[i], layout, formats[i]->symbols("reason"), filterable};
      if (!filterable) add_note(tp.name() + " has no sport/dport fields: filtered in user space only");
      tracepoints_.push_back(std::move(tp));
    }
    for (const auto& tp : tracepoints_) by_id_[tp.format.id] = &tp;
    if (const TraceField* f = tracepoints_.front().format.field("common_type")) common_type_ = *f;
    else throw TraceUnavailable("tracepoint format has no common_type field");
  }

  // Kernel filters for the union of the subscribers' ports (subs_mu_ held). A filter
  // the kernel refuses (too long, say) falls back to the port-less one: user space
  // filters by port anyway.
  void apply_filters() {
    std::optional<std::set<uint16_t>> ports = std::set<uint16_t>{};
    for (const auto* sub : subscribers_) {
      if (!sub->ports) {
        ports.reset();
        break;
      }
      ports->insert(sub->ports->begin(), sub->ports->end());
    }
    for (size_t i = 0; i < tracepoints_.size(); ++i) {
      const Tracepoint& tp = tracepoints_[i];
      const int fd = instance_->files(i).filter.get();
      std::string filter = kernel_filter(tp.layout, ports);
      if (filter.empty()) filter = "0";  // clears the filter
      if (filter == filters_[i]) continue;
      if (::write(fd, filter.data(), filter.size()) != ssize_t(filter.size())) {
        const int err = errno;
        const std::string wide = kernel_filter(tp.layout, std::nullopt);
        if (!filter_failed_.contains(i))
          add_note(tp.name() + ": filter \"" + filter.substr(0, 80) + (filter.size() > 80 ? "..." : "") +
                   "\" refused (" + errno_name(err) + "), filtered by port in user space");
        filter_failed_.insert(i);
        filter = wide.empty() ? "0" : wide;
        write_text(fd, filter, "filter " + tp.name());
      }
      filters_[i] = filter;
    }
  }

  void handle(std::span<const uint8_t> raw, int64_t t_ns, std::vector<KernelEvent>& out) {
    const auto it = by_id_.find(uint16_t(RawRecord(raw).integer(common_type_)));
    if (it == by_id_.end()) return;
    if (auto ev = decode(*it->second, raw, t_ns)) out.push_back(std::move(*ev));
  }

  void read_loop() {
    std::vector<pollfd> fds;
    for (const auto& cpu : instance_->cpus()) fds.push_back({cpu.get(), POLLIN, 0});
    fds.push_back({wake_.get(), POLLIN, 0});
    for (;;) {
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds.back().revents) return;
      for (auto& p : fds)  // a dead fd would make poll spin; stop watching it
        if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) p.fd = -1;
      drain();
    }
  }

  std::vector<Tracepoint> tracepoints_;
  std::unordered_map<uint16_t, const Tracepoint*> by_id_;
  std::optional<TraceField> common_type_;
  std::unique_ptr<Instance> instance_;
  UniqueFd wake_;  // eventfd: tells the reader thread to stop
  std::thread reader_;

  std::mutex drain_mu_;  // one reader of the buffers at a time (reader thread or callers)
  std::vector<uint8_t> scratch_;
  std::atomic<uint64_t> lost_{0};

  mutable std::mutex subs_mu_;  // guards subscribers_, filters, notes_
  std::vector<Subscriber*> subscribers_;
  std::map<size_t, std::string> filters_;  // as written, per tracepoint
  std::set<size_t> filter_failed_;
  bool enabled_ = false;
  std::string notes_;
};

}  // namespace

struct TraceObserver::Impl {
  Subscriber sub;
  std::shared_ptr<TraceSession> session;
  ~Impl() {
    if (session) session->unsubscribe(&sub);
  }
};

TraceObserver::TraceObserver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceObserver::~TraceObserver() = default;

std::unique_ptr<TraceObserver> TraceObserver::start(const std::vector<uint16_t>& ports) {
  auto impl = std::make_unique<Impl>();
  if (!ports.empty()) impl->sub.ports = std::set<uint16_t>(ports.begin(), ports.end());
  impl->session = TraceSession::acquire();
  impl->session->subscribe(&impl->sub);  // if this throws, ~Impl unsubscribes
  return std::unique_ptr<TraceObserver>(new TraceObserver(std::move(impl)));
}

std::vector<KernelEvent> TraceObserver::events() {
  impl_->session->drain();
  std::vector<KernelEvent> out;
  {
    std::lock_guard lock(impl_->sub.mu);
    out = impl_->sub.recorded;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.t_ns < b.t_ns; });
  return out;
}

std::optional<KernelEvent> TraceObserver::wait_for(const std::function<bool(const KernelEvent&)>& pred,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = 0;
  impl_->session->drain();
  for (;;) {
    std::vector<KernelEvent> batch;
    {
      Subscriber& sub = impl_->sub;
      std::unique_lock lock(sub.mu);
      sub.cv.wait_until(lock, deadline, [&] { return sub.recorded.size() > checked; });
      batch.assign(sub.recorded.begin() + ptrdiff_t(checked), sub.recorded.end());
      checked = sub.recorded.size();
    }
    // pred runs unlocked: it may call events().
    std::optional<KernelEvent> best;
    for (auto& ev : batch)
      if ((!best || ev.t_ns < best->t_ns) && pred(ev)) best = std::move(ev);
    if (best) return best;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
}

uint64_t TraceObserver::lost() const { return impl_->session->lost() - impl_->sub.lost_at_start; }

std::string TraceObserver::notes() const { return impl_->session->notes(); }

std::optional<std::string> trace_unavailable_reason() {
  try {
    TraceSession::acquire();
    return std::nullopt;
  } catch (const TraceUnavailable& e) {
    return std::string(e.what());
  } catch (const std::exception& e) {
    return std::string("setting up tracing: ") + e.what();
  }
}

std::string to_string(KernelEvent::Kind kind) {
  switch (kind) {
    case Kind::StateChange: return "StateChange";
    case Kind::Retransmit: return "Retransmit";
    case Kind::ReceiveReset: return "ReceiveReset";
    case Kind::SendReset: return "SendReset";
    case Kind::ErrorReport: return "ErrorReport";
  }
  return "Kind" + std::to_string(int(kind));
}

std::string to_string(const KernelEvent& ev) {
  const auto endpoint = [](const std::string& addr, uint16_t port) {
    const std::string a = addr.find(':') != std::string::npos ? "[" + addr + "]" : addr;
    return a + ":" + std::to_string(port);
  };
  std::ostringstream out;
  out << to_string(ev.kind) << ' ' << endpoint(ev.saddr, ev.sport) << "->" << endpoint(ev.daddr, ev.dport);
  if (ev.kind == Kind::StateChange)
    out << ' ' << tcp_state_name(ev.oldstate) << "->" << tcp_state_name(ev.newstate);
  else if (ev.state)
    out << " state=" << tcp_state_name(ev.state);
  if (ev.error) out << " error=" << errno_name(ev.error);
  if (!ev.reason.empty()) out << " reason=" << ev.reason;
  if (ev.skaddr) out << " sk=0x" << std::hex << ev.skaddr;
  return out.str();
}

}  // namespace crashlab
