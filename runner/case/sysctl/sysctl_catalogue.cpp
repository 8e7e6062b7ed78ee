#include "runner/case/sysctl/sysctl_catalogue.hpp"

#include <sched.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace crashlab::runner {

namespace {
std::optional<std::string> read_value(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  std::string v = ss.str();
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}
}  // namespace

SysctlCatalogue list_sysctls_here() {
  SysctlCatalogue c;
  std::error_code ec;
  // /proc/sys holds no symlinks; the iterator does not follow any.
  for (fs::recursive_directory_iterator it("/proc/sys/net", fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0222)) continue;
    std::string name = it->path().string().substr(std::strlen("/proc/sys/"));
    for (char& ch : name)
      if (ch == '/') ch = '.';
    c.writable[name] = (st.st_mode & 0444) ? read_value(it->path()) : std::nullopt;
  }
  return c;
}

const SysctlCatalogue& fresh_namespace_sysctls() {
  static const SysctlCatalogue catalogue = [] {
    SysctlCatalogue c;
    int err = 0;
    // The namespace lives as long as the thread: it is gone when the thread ends.
    std::thread([&] {
      if (::unshare(CLONE_NEWNET) != 0) {
        err = errno;
        return;
      }
      c = list_sysctls_here();
    }).join();
    if (err == 0) return c;
    c = list_sysctls_here();
    c.fallback_note = std::string(" (checked against the runner's own namespace: a fresh one could not be created: ") +
                      std::strerror(err) + ")";
    return c;
  }();
  return catalogue;
}

}  // namespace crashlab::runner
