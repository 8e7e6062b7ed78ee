#include "runner/case/sysctl_names.hpp"

#include <unistd.h>

#include "netns/host.hpp"
#include "netns/sysctl.hpp"

namespace crashlab::runner {

namespace {
// Every test host's interface is eth0, which the runner's own namespace need not
// have: per-interface names are checked against the kernel's "default" entry.
std::string interface_neutral(const std::string& name) {
  std::string out = name;
  for (const char* family : {"net.ipv4.conf.", "net.ipv4.neigh.", "net.ipv6.conf.", "net.ipv6.neigh."}) {
    std::string prefix = std::string(family) + Host::kIfname + ".";
    if (out.rfind(prefix, 0) == 0) out = std::string(family) + "default." + out.substr(prefix.size());
  }
  return out;
}

void check_sysctl_name(const Fields& f, const std::string& field, const std::string& name) {
  // Only per-namespace settings: anything outside net.* would change the host itself.
  if (name.rfind("net.", 0) != 0) f.fail(field, "only net.* sysctls are per network namespace");
  std::string path;
  try {
    path = Sysctl::path_of(interface_neutral(name));
  } catch (const std::exception& e) {
    f.fail(field, e.what());
  }
  if (::access(path.c_str(), F_OK) != 0) f.fail(field, "no such sysctl on this kernel (" + path + ")");
}
}  // namespace

std::string sysctl_assignment(const Fields& f, const std::string& field, const std::string& name,
                              const nlohmann::json& v) {
  check_sysctl_name(f, field, name);
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_string()) return v.get<std::string>();
  f.fail(field, "must be an integer or a string, got " + Fields::shown(v));
}

}  // namespace crashlab::runner
