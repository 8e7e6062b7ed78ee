#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netns/host/netns.hpp"

namespace crashlab {

// Per-namespace sysctls. /proc/sys/net resolves against the namespace of the
// thread that opens the file, so every access runs on a thread inside `ns`;
// the initial namespace is never touched. Names use dots: "net.ipv4.tcp_retries2".
class Sysctl {
 public:
  explicit Sysctl(const NetNs& ns) : ns_(ns) {}

  std::string read(const std::string& name) const;  // throws naming the sysctl
  void write(const std::string& name, const std::string& value) const;
  // Several at once on one thread (cheaper than one thread each).
  void write_all(const std::map<std::string, std::string>& values) const;
  // The ones that exist, with their values.
  std::map<std::string, std::string> read_all(const std::vector<std::string>& names) const;

  static std::string path_of(const std::string& name);  // "net.ipv4.x" -> "/proc/sys/net/ipv4/x"

 private:
  const NetNs& ns_;
};

// A sysctl read from whatever namespace the calling thread is in; nullopt when absent.
std::optional<std::string> read_sysctl_here(const std::string& name);

}  // namespace crashlab
