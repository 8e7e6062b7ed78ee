#pragma once
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

#include "netns/sys/errors.hpp"

namespace crashlab {

// Reads the replies to the request numbered seq until NLMSG_DONE (dumps) or its ACK
// (single requests); calls on_msg for each data message. Returns the netlink error of
// an ACK (0 = ok). Messages of another sequence number are skipped: they are what is
// left of an earlier request whose reading failed part way, and taking that one's
// NLMSG_DONE for this one's would make a dump look empty (and leave every later read
// one reply behind).
template <class F>
int read_replies(int fd, uint32_t seq, F&& on_msg) {
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("sock_diag recv");
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, size_t(n)); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) return -static_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
      on_msg(h);
    }
  }
}

}  // namespace crashlab
