#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// Small file operations on tracefs and /proc, throwing TraceUnavailable with the path.
std::string read_text(const std::string& path);
void write_text(int fd, const std::string& text, const std::string& what);
void write_file(const std::string& path, const std::string& text);
UniqueFd open_file(const std::string& path, int flags);  // adds O_CLOEXEC

// CPU numbers of a list file such as /sys/devices/system/cpu/online ("0-3,6").
std::vector<int> cpus_listed(const std::string& path);

// Field 22 of /proc/PID/stat (start time in clock ticks since boot); 0 if the process
// is gone. Identifies a process across pid reuse.
unsigned long long start_time_of(pid_t pid);

}  // namespace crashlab
