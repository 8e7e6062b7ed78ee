#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "netns/sys/event_fd.hpp"
#include "netns/observe/trace/kernel_event.hpp"
#include "netns/observe/trace/trace_records.hpp"
#include "netns/observe/tracefs/tracefs_instance.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// One observer: its ports and what was recorded for them.
struct Subscriber {
  std::optional<std::set<uint16_t>> ports;  // nullopt: every port
  int64_t t_start = 0;                      // events before start() belong to others
  uint64_t lost_at_start = 0;
  const EventFd* on_record = nullptr;  // signalled after events were added to recorded

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
  static std::shared_ptr<TraceSession> acquire();

  TraceSession();  // throws TraceUnavailable
  ~TraceSession();
  TraceSession(const TraceSession&) = delete;
  TraceSession& operator=(const TraceSession&) = delete;

  void subscribe(Subscriber* sub);
  void unsubscribe(Subscriber* sub);
  // Reads everything the per-CPU buffers hold now and hands it to the subscribers.
  void drain();
  // Events the kernel dropped since the session began, all CPUs.
  uint64_t lost() const;
  std::string notes() const;

 private:
  void add_note(const std::string& note) { notes_ += (notes_.empty() ? "" : "; ") + note; }
  void apply_filters();
  void read_loop();

  std::string notes_;  // before decoder_: filled while it is made
  RecordDecoder decoder_;
  const std::vector<Tracepoint>& tracepoints_ = decoder_.tracepoints();
  std::unique_ptr<TracefsInstance> instance_;
  UniqueFd wake_;  // eventfd: tells the reader thread to stop
  std::thread reader_;

  std::mutex drain_mu_;  // one reader of the buffers at a time (reader thread or callers)
  std::vector<uint8_t> scratch_;
  std::vector<std::atomic<uint64_t>> page_lost_;  // per CPU: lost counts flagged on pages

  mutable std::mutex subs_mu_;  // guards subscribers_, filters, notes_
  std::vector<Subscriber*> subscribers_;
  std::map<size_t, std::string> filters_;  // as written, per tracepoint
  std::set<size_t> filter_failed_;
  bool enabled_ = false;
};

}  // namespace crashlab
