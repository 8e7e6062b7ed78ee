// Reading a netlink request's replies by its sequence number: what an earlier request
// left unread (its reading failed part way) is skipped, not taken for this one's.
// A datagram socketpair stands in for the netlink socket (one recv, one message).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "netns/observe/diag/netlink_replies.hpp"
#include "netns/sys/unique_fd.hpp"

using namespace crashlab;

namespace {
constexpr uint16_t kData = 20;  // SOCK_DIAG_BY_FAMILY's type; any non-control type

// One datagram holding one netlink message of this type and sequence number.
void put(int fd, uint16_t type, uint32_t seq, int error = 0) {
  alignas(nlmsghdr) char buf[NLMSG_SPACE(sizeof(nlmsgerr))] = {};
  auto* h = reinterpret_cast<nlmsghdr*>(buf);
  h->nlmsg_type = type;
  h->nlmsg_seq = seq;
  h->nlmsg_len = NLMSG_LENGTH(type == NLMSG_ERROR ? sizeof(nlmsgerr) : 0);
  if (type == NLMSG_ERROR) static_cast<nlmsgerr*>(NLMSG_DATA(h))->error = -error;
  ASSERT_EQ(::send(fd, buf, h->nlmsg_len, 0), ssize_t(h->nlmsg_len));
}

struct Pair {
  UniqueFd kernel, reader;
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds), 0);
    kernel = UniqueFd(fds[0]);
    reader = UniqueFd(fds[1]);
  }
};
}  // namespace

TEST(NetlinkReplies, AnEarlierRequestsLeftoverIsSkipped) {
  Pair p;
  put(p.kernel.get(), kData, 1);  // request 1's reply, left unread when its read failed
  put(p.kernel.get(), NLMSG_DONE, 1);
  put(p.kernel.get(), kData, 2);
  put(p.kernel.get(), kData, 2);
  put(p.kernel.get(), NLMSG_DONE, 2);
  int seen = 0;
  EXPECT_EQ(read_replies(p.reader.get(), 2, [&](nlmsghdr* h) {
              EXPECT_EQ(h->nlmsg_seq, 2u);
              ++seen;
            }),
            0);
  EXPECT_EQ(seen, 2) << "request 2's dump ended at request 1's NLMSG_DONE";
}

TEST(NetlinkReplies, AnAckCarriesItsError) {
  Pair p;
  put(p.kernel.get(), NLMSG_ERROR, 6, ENOENT);  // an earlier request's answer
  put(p.kernel.get(), NLMSG_ERROR, 7, 0);
  EXPECT_EQ(read_replies(p.reader.get(), 7, [](nlmsghdr*) { ADD_FAILURE() << "an ACK is no data"; }), 0);
  put(p.kernel.get(), NLMSG_ERROR, 8, ENOENT);
  EXPECT_EQ(read_replies(p.reader.get(), 8, [](nlmsghdr*) {}), ENOENT);
}
