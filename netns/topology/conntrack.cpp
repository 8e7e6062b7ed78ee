#include "netns/topology/conntrack.hpp"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "netns/observe/diag/netlink_replies.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

namespace {
UniqueFd ctnetlink_socket(const NetNs& ns) {
  UniqueFd fd(ns.run([] { return ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER); }));
  if (!fd) throw std::runtime_error(std::string("open a ctnetlink socket: ") + std::strerror(errno));
  return fd;
}

// One ctnetlink request without attributes, for every family; calls on_msg per reply.
template <class F>
void request(const NetNs& ns, uint16_t type, uint16_t flags, const char* what, F&& on_msg) {
  UniqueFd fd = ctnetlink_socket(ns);
  struct {
    nlmsghdr h;
    nfgenmsg g;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = uint16_t((NFNL_SUBSYS_CTNETLINK << 8) | type);
  req.h.nlmsg_flags = uint16_t(NLM_F_REQUEST | flags);
  req.h.nlmsg_seq = 1;
  req.g.nfgen_family = AF_UNSPEC;
  req.g.version = NFNETLINK_V0;
  if (::send(fd.get(), &req, sizeof req, 0) != ssize_t(sizeof req))
    throw std::runtime_error(std::string(what) + ": send: " + std::strerror(errno));
  if (int err = read_replies(fd.get(), 1, on_msg))
    throw std::runtime_error(std::string(what) + ": " + std::strerror(err));
}
}  // namespace

void flush_conntrack(const NetNs& ns) {
  request(ns, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, "flush the conntrack table", [](const nlmsghdr*) {});
}

size_t count_conntrack(const NetNs& ns) {
  size_t n = 0;
  request(ns, IPCTNL_MSG_CT_GET, NLM_F_DUMP, "list the conntrack table", [&](const nlmsghdr*) { ++n; });
  return n;
}

}  // namespace crashlab
