#include "netns/sys/errors.hpp"

#include <cerrno>
#include <cstring>

namespace crashlab {

std::string errno_name(int err) {
  // strerrorname_np is glibc >= 2.32 (Debian 12 has 2.36).
  if (const char* n = strerrorname_np(err)) return n;
  return "E" + std::to_string(err);
}

int errno_from_name(const std::string& name) {
  for (int e = 1; e < 200; ++e)
    if (const char* n = strerrorname_np(e); n && name == n) return e;
  return -1;
}

void throw_errno(const std::string& what, int err) {
  throw std::system_error(err, std::generic_category(), what);
}

void throw_errno(const std::string& what) { throw_errno(what, errno); }

}  // namespace crashlab
