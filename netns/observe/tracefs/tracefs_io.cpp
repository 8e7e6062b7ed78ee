#include "netns/observe/tracefs/tracefs_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "netns/observe/trace/trace_unavailable.hpp"

namespace crashlab {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_trace("open " + path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(int fd, const std::string& text, const std::string& what) {
  if (::write(fd, text.data(), text.size()) != ssize_t(text.size())) fail_trace("write " + what, errno);
}

void write_file(const std::string& path, const std::string& text) {
  UniqueFd fd = open_file(path, O_WRONLY | O_TRUNC);
  write_text(fd.get(), text, path + " <- \"" + text + "\"");
}

UniqueFd open_file(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd) fail_trace("open " + path, errno);
  return fd;
}

std::vector<int> cpus_listed(const std::string& path) {
  std::ifstream in(path);
  std::string list;
  if (!std::getline(in, list)) fail_trace("read " + path, errno);
  std::vector<int> cpus;
  std::istringstream ranges(list);
  for (std::string range; std::getline(ranges, range, ',');) {
    const auto dash = range.find('-');
    const int lo = std::stoi(range), hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
  }
  return cpus;
}

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

}  // namespace crashlab
