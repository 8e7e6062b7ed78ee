#include "netns/undo/socket_abort.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace crashlab::undo {

namespace {
constexpr uint32_t kTimeWait = 6;
constexpr uint32_t kAllButTimeWait = 0xFFF & ~(1u << kTimeWait);
constexpr int kMaxPerFamily = 256;  // more: the caller's next call finds the rest

struct DiagRequest {
  nlmsghdr nlh;
  inet_diag_req_v2 req;
};

struct Found {
  int count = 0;
  inet_diag_sockid ids[kMaxPerFamily];
};

int send_request(int diag, uint16_t type, uint16_t flags, uint8_t family, const inet_diag_sockid* id) {
  DiagRequest r{};
  r.nlh.nlmsg_len = sizeof r;
  r.nlh.nlmsg_type = type;
  r.nlh.nlmsg_flags = flags;
  r.req.sdiag_family = family;
  r.req.sdiag_protocol = IPPROTO_TCP;
  r.req.idiag_states = kAllButTimeWait;
  if (id) r.req.id = *id;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    if (::sendto(diag, &r, sizeof r, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

// Reads until NLMSG_DONE or an ACK; data messages go to found (when given).
// Returns 0 or -errno (of the ACK, or of recv).
int read_replies(int diag, Found* found) {
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    ssize_t n = ::recv(diag, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? -errno : -EPROTO;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, size_t(n)); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) return static_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
      if (found && h->nlmsg_type == SOCK_DIAG_BY_FAMILY && found->count < kMaxPerFamily)
        found->ids[found->count++] = static_cast<inet_diag_msg*>(NLMSG_DATA(h))->id;
    }
  }
}

int abort_family(int diag, uint8_t family) {
  Found found;
  if (int err = send_request(diag, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, family, nullptr)) return err;
  if (int err = read_replies(diag, &found)) return err;
  int destroyed = 0, first_error = 0;
  for (int i = 0; i < found.count; ++i) {
    int err = send_request(diag, SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, family, &found.ids[i]);
    if (!err) err = read_replies(diag, nullptr);
    if (err == 0) ++destroyed;
    else if (err != -ENOENT && !first_error) first_error = err;  // ENOENT: it went away on its own
  }
  return first_error ? first_error : destroyed;
}
}  // namespace

int abort_tcp_sockets(int diag) {
  const int v4 = abort_family(diag, AF_INET);
  const int v6 = abort_family(diag, AF_INET6);
  if (v4 < 0) return v4;
  if (v6 < 0) return v6;
  return v4 + v6;
}

}  // namespace crashlab::undo
