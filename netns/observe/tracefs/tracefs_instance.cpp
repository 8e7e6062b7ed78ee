#include "netns/observe/tracefs/tracefs_instance.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <set>

#include "netns/observe/tracefs/private_tracefs.hpp"
#include "netns/observe/trace/trace_unavailable.hpp"
#include "netns/observe/tracefs/tracefs_io.hpp"

namespace crashlab {
namespace {

constexpr const char* kInstancePrefix = "crashlab-";

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

uint64_t stat_value(std::string_view text, std::string_view key) {
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ':') {
      std::string_view value = line.substr(key.size() + 1);
      value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
      uint64_t v = 0;
      std::from_chars(value.data(), value.data() + value.size(), v);
      return v;
    }
    at = end + 1;
  }
  return 0;
}

}  // namespace

BufferLoss parse_buffer_stats(std::string_view text) {
  return {stat_value(text, "overrun"), stat_value(text, "commit overrun"), stat_value(text, "dropped events")};
}

TracefsInstance::TracefsInstance(const std::vector<Tracepoint>& tracepoints, std::string& notes) {
  static std::atomic<unsigned> sequence{0};
  const pid_t self = ::getpid();
  name_ = kInstancePrefix + std::to_string(self) + "-" + std::to_string(start_time_of(self)) + "-" +
          std::to_string(sequence++);
  try {
    with_private_tracefs([&] { set_up(tracepoints, notes); });
  } catch (const TracefsUnavailable& e) {
    throw TraceUnavailable(e.what());
  }
}

TracefsInstance::~TracefsInstance() {
  for (auto& e : events_) {
    [[maybe_unused]] auto n = ::write(e.enable.get(), "0", 1);
  }
  pipes_.clear();
  stats_.clear();
  events_.clear();
  if (!reaper_ || !reaper_->release_and_wait()) {
    try {
      with_private_tracefs([&] { ::rmdir(path_.c_str()); });
    } catch (const std::exception&) {
      // Left for the next session's stale-instance sweep.
    }
  }
}

void TracefsInstance::set_up(const std::vector<Tracepoint>& tracepoints, std::string& notes) {
  const std::string root = kPrivateTracingDir;
  remove_stale_instances(root + "/instances");
  path_ = root + "/instances/" + name_;
  if (::mkdir(path_.c_str(), 0700) != 0) fail_trace("mkdir " + path_ + " (a tracefs instance)", errno);
  try {
    page_ = parse_header_page(read_text(root + "/events/header_page"));
    // Since 6.8 an instance's sub-buffers can differ from header_page's page size.
    if (const std::string subbuf = path_ + "/buffer_subbuf_size_kb"; ::access(subbuf.c_str(), F_OK) == 0)
      page_.page_size = std::max(page_.page_size, size_t(std::stoul(read_text(subbuf))) * 1024);
    write_file(path_ + "/trace_clock", "mono");  // = ktime_get_mono_fast_ns, CLOCK_MONOTONIC
    write_file(path_ + "/buffer_size_kb", std::to_string(kBufferKb));
    // Wake a poll()ing reader on any data, not once the buffer is half full.
    if (::access((path_ + "/buffer_percent").c_str(), F_OK) == 0) write_file(path_ + "/buffer_percent", "0");
    else notes += (notes.empty() ? "" : "; ") + std::string("no buffer_percent: events may be read late");
    for (const auto& tp : tracepoints) {
      const std::string dir = path_ + "/events/" + tp.format.system + "/" + tp.format.name;
      events_.push_back({open_file(dir + "/enable", O_WRONLY), open_file(dir + "/filter", O_WRONLY)});
    }
    open_cpu_files();
    reaper_ = std::make_unique<InstanceReaper>(path_);
  } catch (...) {
    events_.clear();
    pipes_.clear();
    stats_.clear();
    ::rmdir(path_.c_str());
    throw;
  }
}

void TracefsInstance::open_cpu_files() {
  std::set<int> online;
  for (int c : cpus_listed("/sys/devices/system/cpu/online")) online.insert(c);
  for (int cpu : cpus_listed("/sys/devices/system/cpu/possible")) {
    const std::string dir = path_ + "/per_cpu/cpu" + std::to_string(cpu);
    UniqueFd pipe(::open((dir + "/trace_pipe_raw").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!pipe) {
      if (online.contains(cpu)) fail_trace("open " + dir + "/trace_pipe_raw", errno);
      continue;
    }
    pipes_.push_back(std::move(pipe));
    stats_.push_back(open_file(dir + "/stats", O_RDONLY));
  }
  if (pipes_.empty()) throw TraceUnavailable("no per-CPU trace buffers in " + path_);
}

std::vector<BufferLoss> TracefsInstance::buffer_losses() const {
  std::vector<BufferLoss> out;
  char buf[512];
  for (const UniqueFd& fd : stats_) {
    // Each read at offset 0 formats the counters afresh (tracing_stats_read).
    const ssize_t n = ::pread(fd.get(), buf, sizeof buf, 0);
    out.push_back(n > 0 ? parse_buffer_stats(std::string_view(buf, size_t(n))) : BufferLoss{});
  }
  return out;
}

}  // namespace crashlab
