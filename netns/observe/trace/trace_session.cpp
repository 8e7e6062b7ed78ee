#include "netns/observe/trace/trace_session.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "netns/sys/clock.hpp"
#include "netns/sys/errors.hpp"
#include "netns/observe/trace/trace_unavailable.hpp"
#include "netns/observe/tracefs/tracefs_io.hpp"

namespace crashlab {

std::shared_ptr<TraceSession> TraceSession::acquire() {
  static std::mutex mu;
  static std::weak_ptr<TraceSession> current;
  std::lock_guard lock(mu);
  if (auto s = current.lock()) return s;
  auto s = std::make_shared<TraceSession>();
  current = s;
  return s;
}

namespace {

// This kernel's tracepoints; what is missing or unfilterable goes to notes.
std::vector<Tracepoint> tracepoints_noted(std::string& notes) {
  std::vector<std::string> missing;
  std::vector<Tracepoint> tracepoints = load_tracepoints(missing);
  const auto note = [&](const std::string& n) { notes += (notes.empty() ? "" : "; ") + n; };
  for (const auto& name : missing) note(name + " not on this kernel, not recorded");
  for (const auto& tp : tracepoints)
    if (!tp.layout.kernel_filterable()) note(tp.name() + " has no sport/dport fields: filtered in user space only");
  return tracepoints;
}

}  // namespace

TraceSession::TraceSession() : decoder_(tracepoints_noted(notes_)) {
  instance_ = std::make_unique<TracefsInstance>(tracepoints_, notes_);
  page_lost_ = std::vector<std::atomic<uint64_t>>(instance_->cpus().size());
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!wake_) fail_trace("eventfd", errno);
  scratch_.resize(instance_->page_layout().page_size);
  reader_ = std::thread([this] { read_loop(); });
}

TraceSession::~TraceSession() {
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  reader_.join();
}

void TraceSession::subscribe(Subscriber* sub) {
  std::lock_guard lock(subs_mu_);
  subscribers_.push_back(sub);
  sub->t_start = monotonic_ns();
  sub->lost_at_start = lost();
  apply_filters();
  if (!enabled_) {
    for (size_t i = 0; i < tracepoints_.size(); ++i)
      write_text(instance_->enable_fd(i), "1", "enable " + tracepoints_[i].name());
    enabled_ = true;
  }
}

void TraceSession::unsubscribe(Subscriber* sub) {
  std::lock_guard lock(subs_mu_);
  std::erase(subscribers_, sub);
  if (subscribers_.empty()) return;  // the session ends with its last holder
  try {
    apply_filters();
  } catch (const TraceUnavailable&) {
    // A wider filter than needed only costs user-space filtering.
  }
}

void TraceSession::drain() {
  std::vector<KernelEvent> fresh;
  {
    std::lock_guard lock(drain_mu_);
    const PageLayout& pl = instance_->page_layout();
    const auto on_event = [&](int64_t t, std::span<const uint8_t> raw) {
      if (auto ev = decoder_.decode(raw, t)) fresh.push_back(std::move(*ev));
    };
    for (size_t c = 0; c < instance_->cpus().size(); ++c) {
      for (;;) {
        const ssize_t n = ::read(instance_->cpus()[c].get(), scratch_.data(), scratch_.size());
        if (n <= 0) break;  // EAGAIN: empty for now
        page_lost_[c] += parse_page(std::span<const uint8_t>(scratch_.data(), size_t(n)), pl, on_event);
      }
    }
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
    if (!any) continue;
    sub->cv.notify_all();
    if (sub->on_record) sub->on_record->signal();
  }
}

// A page's missed-events count and the stats' overrun measure the same overwritten
// events (the count is the overrun since the previous page was read), so per CPU the
// larger one counts, plus what never entered the buffer (dropped events: a buffer
// that does not overwrite; commit overrun: nested writers). The page flag alone
// misses events overwritten but not yet followed by a read. Checked on 6.18 with a
// 4 KiB instance buffer, 300 loopback connections (3002 state changes) and no reader:
// the stats said overrun 2915 before any read, then the first page read carried a
// stored count of 2915 and 87 events were read (87 + 2915 = 3002); with
// options/overwrite 0 the same run gave 106 entries and "dropped events: 2896".
uint64_t TraceSession::lost() const {
  const std::vector<BufferLoss> stats = instance_->buffer_losses();
  uint64_t total = 0;
  for (size_t c = 0; c < page_lost_.size(); ++c) {
    const BufferLoss s = c < stats.size() ? stats[c] : BufferLoss{};
    total += std::max(page_lost_[c].load(), s.overrun) + s.commit_overrun + s.dropped;
  }
  return total;
}

std::string TraceSession::notes() const {
  std::lock_guard lock(subs_mu_);
  return notes_;
}

// Kernel filters for the union of the subscribers' ports (subs_mu_ held). A filter
// the kernel refuses (too long, say) falls back to the port-less one: user space
// filters by port anyway.
void TraceSession::apply_filters() {
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
    const int fd = instance_->filter_fd(i);
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

void TraceSession::read_loop() {
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

}  // namespace crashlab
