#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netns/observe/tracefs/instance_reaper.hpp"
#include "netns/observe/trace/ring_buffer_page.hpp"
#include "netns/observe/trace/trace_records.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// What one per-CPU buffer's per_cpu/cpuN/stats says it lost since the instance was made.
struct BufferLoss {
  uint64_t overrun = 0;         // overwritten before being read (also flagged on pages)
  uint64_t commit_overrun = 0;  // nested writers wrapped the buffer
  uint64_t dropped = 0;         // refused while full (overwrite off)
};
BufferLoss parse_buffer_stats(std::string_view stats_text);

// One ftrace instance of this process, made through with_private_tracefs: its per-CPU
// trace_pipe_raw and stats files, the enable and filter file of each tracepoint,
// and the reaper that removes the instance when this process is gone.
// The files stay usable outside the private mount namespace (they are open fds).
class TracefsInstance {
 public:
  // Per CPU, set once before tracing starts. Not grown with the subscribers: on 6.18
  // writing buffer_size_kb of a live instance lost recorded and in-flight events
  // without counting them (1500 loopback connections, 15002 state changes, into an
  // 8 MiB buffer: all 15002 kept when left alone; 124 entries, overrun 0 and no
  // dropped events while a loop grew buffer_size_kb 60 times by 128 KiB), so a later
  // observer growing it would blind the ones already running.
  static constexpr unsigned kBufferKb = 256;

  // Also removes instances whose owner is gone. Degradations are appended to notes.
  // Throws TraceUnavailable with the failing step.
  TracefsInstance(const std::vector<Tracepoint>& tracepoints, std::string& notes);
  ~TracefsInstance();
  TracefsInstance(const TracefsInstance&) = delete;
  TracefsInstance& operator=(const TracefsInstance&) = delete;

  const PageLayout& page_layout() const { return page_; }
  const std::vector<UniqueFd>& cpus() const { return pipes_; }  // trace_pipe_raw, non-blocking
  int enable_fd(size_t tracepoint) const { return events_[tracepoint].enable.get(); }
  int filter_fd(size_t tracepoint) const { return events_[tracepoint].filter.get(); }

  // Per CPU, in cpus() order, what its stats file reports now.
  std::vector<BufferLoss> buffer_losses() const;

 private:
  struct EventFiles {
    UniqueFd enable, filter;
  };
  void set_up(const std::vector<Tracepoint>& tracepoints, std::string& notes);
  void open_cpu_files();

  std::string name_, path_;  // path_ is valid in the private namespace only
  PageLayout page_;
  std::vector<EventFiles> events_;
  std::vector<UniqueFd> pipes_, stats_;
  std::unique_ptr<InstanceReaper> reaper_;
};

}  // namespace crashlab
