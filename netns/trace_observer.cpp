#include "netns/trace_observer.hpp"

#include <arpa/inet.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <span>
#include <sstream>
#include <thread>
#include <unordered_map>

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

constexpr size_t kRingDataPages = 32;  // per CPU; a power of two, as perf requires

// ---- errors ------------------------------------------------------------------

std::string first_line_of(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line.empty() ? "?" : line;
}

std::string perf_hint(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return " (kernel.perf_event_paranoid=" + first_line_of("/proc/sys/kernel/perf_event_paranoid") +
             "; system-wide tracepoints need CAP_PERFMON or CAP_SYS_ADMIN in the initial user namespace)";
    case ENOSYS:
      return " (kernel built without CONFIG_PERF_EVENTS?)";
    case EMFILE:
      return " (RLIMIT_NOFILE too low)";
    default:
      return "";
  }
}

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
  std::string filter;  // kernel filter; empty if the tracepoint can't be filtered by port

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

// e.g. "protocol == 6 && (sport == 5001 || dport == 5001)"; empty if the tracepoint
// has no port fields to filter on.
std::string kernel_filter(const Layout& l, const std::set<uint16_t>& ports) {
  if (!l.sport || !l.dport) return "";
  std::string by_port;
  for (uint16_t p : ports) {
    if (!by_port.empty()) by_port += " || ";
    by_port += "sport == " + std::to_string(p) + " || dport == " + std::to_string(p);
  }
  std::string tcp = l.protocol ? "protocol == " + std::to_string(IPPROTO_TCP) : "";
  if (by_port.empty()) return tcp;
  return tcp.empty() ? by_port : tcp + " && (" + by_port + ")";
}

// ---- perf plumbing -------------------------------------------------------------

std::vector<int> online_cpus() {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string list;
  if (!std::getline(in, list)) fail("read /sys/devices/system/cpu/online", errno);
  std::vector<int> cpus;
  std::istringstream ranges(list);
  for (std::string range; std::getline(ranges, range, ',');) {
    const auto dash = range.find('-');
    const int lo = std::stoi(range), hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
  }
  if (cpus.empty()) throw TraceUnavailable("no online CPUs listed in /sys/devices/system/cpu/online");
  return cpus;
}

UniqueFd open_tracepoint(const TraceFormat& f, int cpu) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.size = sizeof attr;
  attr.config = f.id;
  attr.sample_period = 1;
  attr.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
  attr.disabled = 1;
  attr.wakeup_events = 1;
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;
  const long fd = ::syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    fail("perf_event_open(" + f.system + ":" + f.name + ", cpu " + std::to_string(cpu) + ")", err, perf_hint(err));
  }
  return UniqueFd(int(fd));
}

// One CPU's ring buffer: the mmap'ed leader event plus the events redirected into it
// with PERF_EVENT_IOC_SET_OUTPUT, so one poll fd and one ring serve all tracepoints.
class Ring {
 public:
  Ring(UniqueFd leader, size_t data_pages) : leader_(std::move(leader)) {
    const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    map_len_ = (1 + data_pages) * page;
    base_ = ::mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, leader_.get(), 0);
    if (base_ == MAP_FAILED) {
      const int err = errno;
      fail("mmap(perf ring, " + std::to_string(map_len_) + " bytes)", err,
           err == EPERM ? " (over kernel.perf_event_mlock_kb and no CAP_IPC_LOCK)" : "");
    }
    meta_ = static_cast<perf_event_mmap_page*>(base_);
    const uint64_t offset = meta_->data_offset ? meta_->data_offset : page;
    data_ = static_cast<const uint8_t*>(base_) + offset;
    data_size_ = meta_->data_size ? meta_->data_size : data_pages * page;
  }
  ~Ring() { ::munmap(base_, map_len_); }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  int fd() const { return leader_.get(); }

  void redirect(UniqueFd follower, const std::string& what) {
    if (::ioctl(follower.get(), PERF_EVENT_IOC_SET_OUTPUT, leader_.get()) != 0)
      fail("ioctl(PERF_EVENT_IOC_SET_OUTPUT, " + what + ")", errno);
    followers_.push_back(std::move(follower));
  }

  void enable() {
    if (::ioctl(leader_.get(), PERF_EVENT_IOC_ENABLE, 0) != 0) fail("ioctl(PERF_EVENT_IOC_ENABLE)", errno);
    for (auto& f : followers_)
      if (::ioctl(f.get(), PERF_EVENT_IOC_ENABLE, 0) != 0) fail("ioctl(PERF_EVENT_IOC_ENABLE)", errno);
  }

  // Calls on_record(record) for each complete record (header included) between the
  // tail and the head, then releases the space to the kernel.
  template <class F>
  void drain(F&& on_record) {
    const uint64_t head = std::atomic_ref(meta_->data_head).load(std::memory_order_acquire);
    uint64_t tail = meta_->data_tail;
    while (head - tail >= sizeof(perf_event_header)) {
      perf_event_header h;
      copy_out(tail, sizeof h, &h);
      if (h.size < sizeof h || h.size > head - tail) {  // can't happen; resync rather than spin
        tail = head;
        break;
      }
      on_record(record_at(tail, h.size));
      tail += h.size;
    }
    std::atomic_ref(meta_->data_tail).store(tail, std::memory_order_release);
  }

 private:
  // Copies `len` bytes starting at ring position `pos`, wrapping at the end.
  void copy_out(uint64_t pos, size_t len, void* dst) const {
    const size_t off = size_t(pos % data_size_);
    const size_t first = std::min(len, size_t(data_size_) - off);
    std::memcpy(dst, data_ + off, first);
    std::memcpy(static_cast<uint8_t*>(dst) + first, data_, len - first);
  }

  // The record in place, or a contiguous copy when it straddles the ring's end.
  std::span<const uint8_t> record_at(uint64_t pos, size_t len) {
    const size_t off = size_t(pos % data_size_);
    if (off + len <= data_size_) return {data_ + off, len};
    scratch_.resize(len);
    copy_out(pos, len, scratch_.data());
    return scratch_;
  }

  UniqueFd leader_;
  std::vector<UniqueFd> followers_;
  void* base_ = nullptr;
  size_t map_len_ = 0;
  perf_event_mmap_page* meta_ = nullptr;
  const uint8_t* data_ = nullptr;
  uint64_t data_size_ = 0;
  std::vector<uint8_t> scratch_;
};

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

}  // namespace

// ---- the observer ----------------------------------------------------------------

struct TraceObserver::Impl {
  std::set<uint16_t> ports;
  std::vector<Tracepoint> tracepoints;
  std::unordered_map<uint16_t, const Tracepoint*> by_id;
  std::optional<TraceField> common_type;
  std::vector<std::unique_ptr<Ring>> rings;
  UniqueFd wake;  // eventfd: tells the reader thread to stop
  std::string notes;
  std::atomic<uint64_t> lost{0};

  std::mutex drain_mu;  // one consumer per ring at a time (reader thread or callers)
  std::mutex mu;        // guards recorded
  std::condition_variable cv;
  std::vector<KernelEvent> recorded;  // in arrival order
  std::thread reader;

  ~Impl() {
    if (reader.joinable()) {
      const uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(wake.get(), &one, sizeof one);
      reader.join();
    }
  }

  void add_note(const std::string& note) { notes += (notes.empty() ? "" : "; ") + note; }

  void setup_tracepoints(const std::vector<std::optional<TraceFormat>>& formats);
  void open_cpu(int cpu);
  void apply_filter(Tracepoint& tp, int fd);
  void read_loop();
  void drain();
  void handle(std::span<const uint8_t> record, std::vector<KernelEvent>& out);
  bool wanted(const KernelEvent& ev) const {
    return ports.empty() || ports.contains(ev.sport) || ports.contains(ev.dport);
  }
};

void TraceObserver::Impl::setup_tracepoints(const std::vector<std::optional<TraceFormat>>& formats) {
  for (size_t i = 0; i < formats.size(); ++i) {
    if (!formats[i]) {
      add_note(std::string(kTracepoints[i].name) + " not on this kernel, not recorded");
      continue;
    }
    Layout layout(*formats[i]);
    Tracepoint tp{kTracepoints[i].kind, *formats[i], layout, formats[i]->symbols("reason"), ""};
    tp.filter = kernel_filter(layout, ports);
    if (tp.filter.empty() && (!ports.empty() || layout.protocol))
      add_note(tp.name() + " has no sport/dport fields: filtered in user space only");
    tracepoints.push_back(std::move(tp));
  }
  for (const auto& tp : tracepoints) by_id[tp.format.id] = &tp;
  if (const TraceField* f = tracepoints.front().format.field("common_type")) common_type = *f;
  else throw TraceUnavailable("tracepoint format has no common_type field");
}

void TraceObserver::Impl::apply_filter(Tracepoint& tp, int fd) {
  if (tp.filter.empty()) return;
  if (::ioctl(fd, PERF_EVENT_IOC_SET_FILTER, tp.filter.c_str()) == 0) return;
  add_note(tp.name() + ": PERF_EVENT_IOC_SET_FILTER(\"" + tp.filter + "\") failed with " + errno_name(errno) +
           ", filtered in user space only");
  tp.filter.clear();  // keep later CPUs consistent with this one
}

void TraceObserver::Impl::open_cpu(int cpu) {
  std::unique_ptr<Ring> ring;
  for (auto& tp : tracepoints) {
    UniqueFd fd = open_tracepoint(tp.format, cpu);
    apply_filter(tp, fd.get());
    if (!ring) ring = std::make_unique<Ring>(std::move(fd), kRingDataPages);
    else ring->redirect(std::move(fd), tp.name() + ", cpu " + std::to_string(cpu));
  }
  rings.push_back(std::move(ring));
}

void TraceObserver::Impl::handle(std::span<const uint8_t> record, std::vector<KernelEvent>& out) {
  perf_event_header h;
  std::memcpy(&h, record.data(), sizeof h);
  const auto body = record.subspan(sizeof h);
  if (h.type == PERF_RECORD_LOST && body.size() >= 2 * sizeof(uint64_t)) {
    uint64_t n;
    std::memcpy(&n, body.data() + sizeof(uint64_t), sizeof n);  // {u64 id; u64 lost}
    lost += n;
    return;
  }
  // PERF_SAMPLE_TIME | PERF_SAMPLE_RAW: {u64 time; u32 size; u8 data[size]}
  if (h.type != PERF_RECORD_SAMPLE || body.size() < sizeof(uint64_t) + sizeof(uint32_t)) return;
  uint64_t time;
  uint32_t raw_size;
  std::memcpy(&time, body.data(), sizeof time);
  std::memcpy(&raw_size, body.data() + sizeof time, sizeof raw_size);
  const auto raw = body.subspan(sizeof time + sizeof raw_size);
  if (raw_size > raw.size()) return;
  const auto it = by_id.find(uint16_t(RawRecord(raw).integer(common_type)));
  if (it == by_id.end()) return;
  if (auto ev = decode(*it->second, raw.first(raw_size), int64_t(time)); ev && wanted(*ev))
    out.push_back(std::move(*ev));
}

void TraceObserver::Impl::drain() {
  std::vector<KernelEvent> fresh;
  {
    std::lock_guard lock(drain_mu);
    for (auto& ring : rings) ring->drain([&](std::span<const uint8_t> rec) { handle(rec, fresh); });
  }
  if (fresh.empty()) return;
  {
    std::lock_guard lock(mu);
    recorded.insert(recorded.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  }
  cv.notify_all();
}

void TraceObserver::Impl::read_loop() {
  std::vector<pollfd> fds;
  for (const auto& ring : rings) fds.push_back({ring->fd(), POLLIN, 0});
  fds.push_back({wake.get(), POLLIN, 0});
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds.back().revents) return;
    for (auto& p : fds)  // a hung-up fd would make poll spin; stop watching it
      if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) p.fd = -1;
    drain();
  }
}

TraceObserver::TraceObserver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceObserver::~TraceObserver() = default;

std::unique_ptr<TraceObserver> TraceObserver::start(const std::vector<uint16_t>& ports) {
  auto impl = std::make_unique<Impl>();
  impl->ports.insert(ports.begin(), ports.end());
  impl->setup_tracepoints(load_formats());
  for (int cpu : online_cpus()) impl->open_cpu(cpu);
  impl->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!impl->wake) fail("eventfd", errno);
  for (auto& ring : impl->rings) ring->enable();
  impl->reader = std::thread([p = impl.get()] { p->read_loop(); });
  return std::unique_ptr<TraceObserver>(new TraceObserver(std::move(impl)));
}

std::vector<KernelEvent> TraceObserver::events() {
  impl_->drain();
  std::vector<KernelEvent> out;
  {
    std::lock_guard lock(impl_->mu);
    out = impl_->recorded;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.t_ns < b.t_ns; });
  return out;
}

std::optional<KernelEvent> TraceObserver::wait_for(const std::function<bool(const KernelEvent&)>& pred,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = 0;
  impl_->drain();
  for (;;) {
    std::vector<KernelEvent> batch;
    {
      std::unique_lock lock(impl_->mu);
      impl_->cv.wait_until(lock, deadline, [&] { return impl_->recorded.size() > checked; });
      batch.assign(impl_->recorded.begin() + ptrdiff_t(checked), impl_->recorded.end());
      checked = impl_->recorded.size();
    }
    // pred runs unlocked: it may call events().
    std::optional<KernelEvent> best;
    for (auto& ev : batch)
      if ((!best || ev.t_ns < best->t_ns) && pred(ev)) best = std::move(ev);
    if (best) return best;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
}

uint64_t TraceObserver::lost() const { return impl_->lost.load(); }

std::string TraceObserver::notes() const { return impl_->notes; }

std::optional<std::string> trace_unavailable_reason() {
  try {
    const auto formats = load_formats();
    Ring probe(open_tracepoint(*formats.front(), online_cpus().front()), 1);
    return std::nullopt;
  } catch (const TraceUnavailable& e) {
    return std::string(e.what());
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
