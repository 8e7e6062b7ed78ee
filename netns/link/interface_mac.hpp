#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace crashlab {

// The hardware address of `ifname` in the calling thread's namespace, read through
// `fd` (any socket of that namespace): what an announcement of the host's own
// address carries. Throws std::system_error naming the interface.
std::array<uint8_t, 6> interface_mac(int fd, const std::string& ifname);

}  // namespace crashlab
