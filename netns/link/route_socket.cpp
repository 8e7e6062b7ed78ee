#include "netns/link/route_socket.hpp"

#include <netlink/errno.h>

#include <new>
#include <stdexcept>
#include <string>

namespace crashlab {

nl::SockPtr route_socket_in(const NetNs& ns) {
  return ns.run([] {
    nl::SockPtr s(nl_socket_alloc());
    if (!s) throw std::bad_alloc();
    if (int rc = nl_connect(s.get(), NETLINK_ROUTE); rc < 0)
      throw std::runtime_error(std::string("netlink connect: ") + nl_geterror(rc));
    return s;
  });
}

}  // namespace crashlab
