#include "runner/cli/run/run_folder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace crashlab::runner::cli {

namespace fs = std::filesystem;

namespace {
std::string why(const std::string& dir, const std::string& what, int err) {
  return "--out " + dir + ": " + what + ": " + std::strerror(err);
}

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y%m%dT%H%M%SZ", &tm);
  return b;
}
}  // namespace

std::optional<std::string> check_results_folder(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return why(dir, "cannot create the folder", ec.value());
  if (!fs::is_directory(dir, ec)) return why(dir, "not a folder", ENOTDIR);
  const std::string probe = (fs::path(dir) / (".crashlab-probe-" + std::to_string(::getpid()))).string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return why(dir, "cannot write a file in it", errno);
  bool wrote = ::write(fd, "x", 1) == 1;
  int write_errno = errno;
  bool closed = ::close(fd) == 0;
  int close_errno = errno;
  ::unlink(probe.c_str());
  if (!wrote) return why(dir, "cannot write a file in it", write_errno);
  if (!closed) return why(dir, "cannot write a file in it", close_errno);
  return std::nullopt;
}

std::string start_run_folder(const std::string& dir) {
  const std::string stamp = utc_stamp();
  std::string name;
  for (int n = 1; n <= 100; ++n) {
    name = n == 1 ? stamp : stamp + "-" + std::to_string(n);
    if (::mkdir((fs::path(dir) / name).c_str(), 0755) == 0) break;
    if (errno != EEXIST || n == 100) throw std::runtime_error(why(dir, "cannot create " + name, errno));
  }
  // Replace DIR/latest atomically: a new link beside it, renamed over it.
  const fs::path latest = fs::path(dir) / "latest", next = fs::path(dir) / ".latest.new";
  ::unlink(next.c_str());
  if (::symlink(name.c_str(), next.c_str()) != 0 || ::rename(next.c_str(), latest.c_str()) != 0)
    throw std::runtime_error(why(dir, "cannot point latest at " + name, errno));
  return (fs::path(dir) / name).string();
}

}  // namespace crashlab::runner::cli
