#include "netns/wire/tcp_snmp.hpp"

#include <fstream>
#include <sstream>

namespace crashlab {

std::optional<uint64_t> tcp_snmp_counter(const std::string& snmp_path, const std::string& name) {
  std::ifstream snmp(snmp_path);
  std::string header, values;
  while (std::getline(snmp, header) && std::getline(snmp, values)) {
    if (header.rfind("Tcp:", 0) != 0) continue;
    std::istringstream names(header), nums(values);
    std::string n, num;
    while (names >> n && nums >> num)
      if (n == name) return uint64_t(std::stoull(num));
  }
  return std::nullopt;
}

}  // namespace crashlab
