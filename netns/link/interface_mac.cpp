#include "netns/link/interface_mac.hpp"

#include <net/if.h>
#include <sys/ioctl.h>

#include <cstring>

#include "netns/sys/errors.hpp"

namespace crashlab {

std::array<uint8_t, 6> interface_mac(int fd, const std::string& ifname) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) throw_errno("SIOCGIFHWADDR " + ifname);
  std::array<uint8_t, 6> mac{};
  std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

}  // namespace crashlab
