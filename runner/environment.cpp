#include "runner/environment.hpp"

#include <sys/utsname.h>

#include "netns/sysctl.hpp"
#include "netns/trace_observer.hpp"

namespace crashlab {

nlohmann::json environment_facts() {
  utsname u{};
  ::uname(&u);
  nlohmann::json features = nlohmann::json::object();
  for (const char* s : {"net.ipv4.tcp_rto_min_us", "net.ipv4.tcp_rto_max_ms", "net.ipv4.tcp_syn_linear_timeouts"})
    features[s] = read_sysctl_here(s).has_value();
  auto trace = trace_unavailable_reason();
  return {{"kernel", u.release},
          {"machine", u.machine},
          {"sysctls_present", features},
          {"tracepoints", trace ? *trace : std::string("available")}};
}

std::string environment_banner() {
  auto f = environment_facts();
  std::string missing;
  for (const auto& [k, v] : f["sysctls_present"].items())
    if (!v.get<bool>()) missing += " " + k;
  return "crashlab: kernel " + f["kernel"].get<std::string>() + " (" + f["machine"].get<std::string>() + ")" +
         ", tracepoints: " + f["tracepoints"].get<std::string>() +
         (missing.empty() ? "" : ", kernel lacks:" + missing) + "\n";
}

}  // namespace crashlab
