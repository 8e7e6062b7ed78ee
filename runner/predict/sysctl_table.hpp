#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/predict/prediction.hpp"

namespace crashlab::runner {

// The one list of sysctls the model reads: every result reports them, and
// apply_sysctls() feeds them to the model. Per-interface names use the test
// host's eth0; the neighbour settings are read under net.ipv4.neigh (ARP) or,
// for an IPv6 case, net.ipv6.neigh (NDP), and both are reported.
std::vector<std::string> reported_sysctls();
// The ones of these that move the model's answer (apply_sysctls() reads them).
std::vector<std::string> model_input_sysctls();

// The range the kernel accepts for one of these (by its name as the table has it,
// per-interface ones with eth0); nullopt for any other sysctl.
struct SysctlRange {
  int64_t min, max;
};
std::optional<SysctlRange> model_sysctl_range(const std::string& name);

// Sets the model's inputs from a side's effective sysctls (as read back). A name
// the kernel lacks keeps the model's default, except where a missing setting means
// an older kernel's behaviour (tcp_syn_linear_timeouts: 0 before 6.5).
// absent_is_old_kernel=false: a name missing from `sysctls` keeps the model's
// default (the case did not set it; a current kernel's default applies).
void apply_sysctls(const std::map<std::string, std::string>& sysctls, PredictionInput& in, bool ipv6,
                   bool absent_is_old_kernel = true);

}  // namespace crashlab::runner
