#include "netns/client/endpoint_binary.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace crashlab {

namespace fs = std::filesystem;
constexpr const char* kName = "crashlab-endpoint";

std::vector<std::string> endpoint_candidates(const std::string& self) {
  const fs::path dir = fs::path(self).parent_path();
  return {(dir / kName).string(), (dir / CRASHLAB_ENDPOINT_FROM_BIN / kName).lexically_normal().string()};
}

std::string endpoint_binary() {
  if (const char* p = std::getenv("CRASHLAB_ENDPOINT"); p && *p) {
    if (access(p, X_OK) == 0) return p;
    throw std::runtime_error(std::string("cannot run crashlab-endpoint: CRASHLAB_ENDPOINT=") + p + ": " +
                             std::strerror(errno));
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find crashlab-endpoint: /proc/self/exe: " + ec.message() +
                                   " (set CRASHLAB_ENDPOINT to its path)");
  std::string looked;
  for (const auto& c : endpoint_candidates(self.string())) {
    if (access(c.c_str(), X_OK) == 0) return c;
    looked += (looked.empty() ? "" : ", ") + c;
  }
  throw std::runtime_error("cannot find crashlab-endpoint: looked at " + looked +
                           " (set CRASHLAB_ENDPOINT to its path)");
}

}  // namespace crashlab
