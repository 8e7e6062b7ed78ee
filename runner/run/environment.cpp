#include "runner/run/environment.hpp"

#include <sys/utsname.h>

#include <optional>

#include "netns/host/sysctl.hpp"
#include "netns/observe/trace/trace_observer.hpp"
#include "runner/machine/tick.hpp"

namespace crashlab::runner {

nlohmann::json collect_facts();

nlohmann::json environment_facts() {
  static const nlohmann::json facts = collect_facts();
  return facts;
}

std::optional<int> machine_hz() {
  const nlohmann::json hz = environment_facts().value("hz", nlohmann::json());
  return hz.is_number_integer() ? std::optional<int>(hz.get<int>()) : std::nullopt;
}

nlohmann::json collect_facts() {
  utsname u{};
  ::uname(&u);
  nlohmann::json features = nlohmann::json::object();
  for (const char* s : {"net.ipv4.tcp_rto_min_us", "net.ipv4.tcp_rto_max_ms", "net.ipv4.tcp_syn_linear_timeouts"})
    features[s] = read_sysctl_here(s).has_value();
  auto trace = trace_unavailable_reason();
  const auto tick = machine::find_tick();
  return {{"kernel", u.release},
          {"hz", tick ? nlohmann::json(tick->hz) : nlohmann::json("unknown")},
          {"hz_source", tick ? nlohmann::json(tick->source) : nlohmann::json(nullptr)},
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
         ", HZ " + f["hz"].dump() + (f["hz_source"].is_string() ? " (" + f["hz_source"].get<std::string>() + ")" : "") +
         ", tracepoints: " + f["tracepoints"].get<std::string>() +
         (missing.empty() ? "" : ", kernel lacks:" + missing) + "\n";
}

}  // namespace crashlab::runner
