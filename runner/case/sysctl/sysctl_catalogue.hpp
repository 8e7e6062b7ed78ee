#pragma once
#include <map>
#include <optional>
#include <string>

namespace crashlab::runner {

// Every writable net.* sysctl of a FRESH network namespace, as a test host starts
// with it, with its value there (nullopt: write-only). Listed once per process on a
// short-lived thread that unshares a new namespace, so neither the runner's own
// interfaces nor settings that exist only in the initial namespace count.
struct SysctlCatalogue {
  std::map<std::string, std::optional<std::string>> writable;  // "net.ipv4.tcp_retries2" -> "15"
  // Empty, or why the runner's own namespace was listed instead (no privilege).
  std::string fallback_note;
};

const SysctlCatalogue& fresh_namespace_sysctls();

// Lists /proc/sys/net as the calling thread sees it (exposed for tests).
SysctlCatalogue list_sysctls_here();

}  // namespace crashlab::runner
