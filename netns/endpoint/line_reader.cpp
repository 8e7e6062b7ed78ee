#include "netns/endpoint/line_reader.hpp"

#include <unistd.h>

#include <cerrno>

namespace crashlab::endpoint {

bool LineReader::read(std::vector<std::string>& lines) {
  char buf[65536];
  const ssize_t n = ::read(fd_, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    if (!partial_.empty()) lines.push_back(std::move(partial_));
    partial_.clear();
    return false;
  }
  partial_.append(buf, size_t(n));
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(partial_.substr(start, nl - start));
  partial_.erase(0, start);
  return true;
}

}  // namespace crashlab::endpoint
