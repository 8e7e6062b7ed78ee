#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace crashlab {

// One counter of the "Tcp:" lines of a /proc/.../net/snmp file (e.g. "OutSegs",
// "RetransSegs"); nullopt when the file or the counter is not there.
std::optional<uint64_t> tcp_snmp_counter(const std::string& snmp_path, const std::string& name);

}  // namespace crashlab
