#include "netns/observe/diag/sock_diag.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "netns/sys/errors.hpp"
#include "netns/observe/diag/netlink_replies.hpp"

namespace crashlab {

namespace {
constexpr uint32_t kAllStates = 0xFFF;
constexpr int kTimeWait = 6;

struct DiagRequest {
  nlmsghdr nlh;
  inet_diag_req_v2 req;
};

std::string addr_text(int family, const uint32_t* a) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, a, buf, sizeof buf);
  return buf;
}

void send_request(int fd, const DiagRequest& r) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &r, sizeof r, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0)
    throw_errno("sock_diag sendto");
}

SockEntry parse(nlmsghdr* h) {
  auto* msg = static_cast<inet_diag_msg*>(NLMSG_DATA(h));
  SockEntry e;
  e.family = msg->idiag_family;
  e.state = msg->idiag_state;
  e.saddr = addr_text(e.family, msg->id.idiag_src);
  e.daddr = addr_text(e.family, msg->id.idiag_dst);
  e.sport = ntohs(msg->id.idiag_sport);
  e.dport = ntohs(msg->id.idiag_dport);
  e.inode = msg->idiag_inode;
  std::memcpy(&e.cookie, msg->id.idiag_cookie, sizeof e.cookie);
  int len = int(h->nlmsg_len - NLMSG_LENGTH(sizeof *msg));
  for (auto* a = reinterpret_cast<rtattr*>(msg + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type != INET_DIAG_INFO) continue;
    tcp_info ti{};
    std::memcpy(&ti, RTA_DATA(a), std::min<size_t>(RTA_PAYLOAD(a), sizeof ti));
    e.rto_us = ti.tcpi_rto;
    e.retransmits = ti.tcpi_retransmits;
    e.probes = ti.tcpi_probes;
    e.backoff = ti.tcpi_backoff;
  }
  return e;
}
}  // namespace

SockDiag::SockDiag(const NetNs& ns) {
  fd_ = ns.run([] {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd) throw_errno("socket(NETLINK_SOCK_DIAG)");
    return fd;
  });
}

void SockDiag::dump_family(int family, uint16_t port, std::vector<SockEntry>& out) const {
  DiagRequest r{};
  r.nlh.nlmsg_len = sizeof r;
  r.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  r.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  r.req.sdiag_family = uint8_t(family);
  r.req.sdiag_protocol = IPPROTO_TCP;
  r.req.idiag_states = kAllStates;
  r.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  r.nlh.nlmsg_seq = ++seq_;
  send_request(fd_.get(), r);
  int err = read_replies(fd_.get(), r.nlh.nlmsg_seq, [&](nlmsghdr* h) {
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) return;
    SockEntry e = parse(h);
    if (port == 0 || e.sport == port || e.dport == port) out.push_back(std::move(e));
  });
  if (err) throw_errno("sock_diag dump", err);
}

std::vector<SockEntry> SockDiag::dump(uint16_t port) const {
  std::vector<SockEntry> out;
  dump_family(AF_INET, port, out);
  dump_family(AF_INET6, port, out);
  return out;
}

int SockDiag::destroy_all() const {
  int destroyed = 0;
  for (const SockEntry& e : dump()) {
    if (e.state == kTimeWait) continue;
    DiagRequest r{};
    r.nlh.nlmsg_len = sizeof r;
    r.nlh.nlmsg_type = SOCK_DESTROY;
    r.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    r.req.sdiag_family = uint8_t(e.family);
    r.req.sdiag_protocol = IPPROTO_TCP;
    r.req.idiag_states = kAllStates;
    r.req.id.idiag_sport = htons(e.sport);
    r.req.id.idiag_dport = htons(e.dport);
    ::inet_pton(e.family, e.saddr.c_str(), r.req.id.idiag_src);
    ::inet_pton(e.family, e.daddr.c_str(), r.req.id.idiag_dst);
    r.req.id.idiag_if = 0;
    std::memcpy(r.req.id.idiag_cookie, &e.cookie, sizeof e.cookie);
    r.nlh.nlmsg_seq = ++seq_;
    send_request(fd_.get(), r);
    // ENOENT: it went away on its own meanwhile.
    if (int err = read_replies(fd_.get(), r.nlh.nlmsg_seq, [](nlmsghdr*) {}); err == 0) ++destroyed;
    else if (err != ENOENT) throw_errno("SOCK_DESTROY " + e.saddr + ":" + std::to_string(e.sport), err);
  }
  return destroyed;
}

}  // namespace crashlab
