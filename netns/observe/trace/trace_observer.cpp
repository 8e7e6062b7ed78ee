#include "netns/observe/trace/trace_observer.hpp"

#include <algorithm>
#include <exception>
#include <set>

#include "netns/observe/trace/trace_session.hpp"

namespace crashlab {

struct TraceObserver::Impl {
  Subscriber sub;
  std::shared_ptr<TraceSession> session;
  ~Impl() {
    if (session) session->unsubscribe(&sub);
  }
};

TraceObserver::TraceObserver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceObserver::~TraceObserver() = default;

std::unique_ptr<TraceObserver> TraceObserver::start(const std::vector<uint16_t>& ports, const EventFd* on_record) {
  auto impl = std::make_unique<Impl>();
  if (!ports.empty()) impl->sub.ports = std::set<uint16_t>(ports.begin(), ports.end());
  impl->sub.on_record = on_record;
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

}  // namespace crashlab
