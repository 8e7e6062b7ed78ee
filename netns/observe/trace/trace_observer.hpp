#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netns/sys/event_fd.hpp"
#include "netns/observe/trace/kernel_event.hpp"
#include "netns/observe/trace/trace_unavailable.hpp"

namespace crashlab {

// Records TCP tracepoints (state changes, retransmits, resets, socket errors) for a set of
// ports, system-wide (all network namespaces).
//
// The events come from a private ftrace instance (a tracefs instance of this process,
// read through per-CPU trace_pipe_raw), not from perf_event_open: on 6.18 perf was
// seen to drop, silently (no PERF_RECORD_LOST) and for every perf consumer at once,
// each tracepoint hit in interrupt context on top of certain tasks (one CPU's idle
// task, a long-lived daemon thread) - a timeout's CLOSE or a SYN retransmit fired from
// the timer softirq on an idle CPU - while ftrace recorded the same hits. That fits
// perf's per-task recursion guard (task_struct::perf_recursion since 6.12) left set for
// those tasks: perf_trace_buf_alloc() gives up before any event is considered.
// ftrace's ring buffer keeps no per-task state.
//
// All observers of a process share one session: one instance, one reader thread, one
// kernel filter (the union of their ports); start() subscribes ports and the
// observer's destructor unsubscribes them. Instances of different processes are
// independent. Nothing outlives the process: tracefs is mounted only in a private
// mount namespace (never visible), and a small reaper process holding that namespace
// removes the instance when the process exits, however it exits; instances left by
// a reaper that was itself killed are removed by the next session of any process.
// The pieces: trace_records (catalogue, record decoding, kernel filters),
// ring_buffer_page (the page format), tracefs_instance + instance_reaper,
// trace_session (the process-wide session), private_tracefs (the one mount).
class TraceObserver {
 public:
  // Enables sock:inet_sock_set_state, tcp:tcp_retransmit_skb, tcp:tcp_receive_reset,
  // tcp:tcp_send_reset, sock:inet_sk_error_report (once per process), with a kernel
  // filter keeping only events whose sport or dport is a subscribed port (TCP only
  // where the tracepoint has a protocol field), plus the same check in user space.
  // An empty `ports` keeps every TCP event. Recording starts when start() returns
  // (events already buffered for an earlier observer are not replayed). Only
  // inet_sock_set_state is required; tracepoints this kernel lacks are skipped (see
  // notes()). `on_record`, if given, is signalled whenever events are recorded for this
  // observer, and must outlive it. Throws TraceUnavailable with the failing step.
  static std::unique_ptr<TraceObserver> start(const std::vector<uint16_t>& ports, const EventFd* on_record = nullptr);

  // Everything recorded so far (including what sits in the ring buffers right now),
  // sorted by t_ns. Recording continues.
  std::vector<KernelEvent> events();

  // Blocks until pred(event) is true for some recorded event (earlier events included);
  // returns the earliest such event seen, or nullopt once `timeout` has passed.
  std::optional<KernelEvent> wait_for(const std::function<bool(const KernelEvent&)>& pred,
                                      std::chrono::milliseconds timeout);

  // Events the kernel dropped since start() because a per-CPU buffer was full (any
  // port: the buffers are shared by the process's observers): the buffers' stats
  // (overrun, dropped events) read now, and the missed-events flags of pages read.
  uint64_t lost() const;
  std::string notes() const;  // degradations, e.g. tracepoints filtered in user space only

  ~TraceObserver();
  TraceObserver(const TraceObserver&) = delete;
  TraceObserver& operator=(const TraceObserver&) = delete;

 private:
  struct Impl;
  explicit TraceObserver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Probe for skip messages/fallback: nullopt if start() would work, else the reason.
// Sets up (or reuses) the process's session, so the first call costs what start() does.
std::optional<std::string> trace_unavailable_reason();

}  // namespace crashlab
