#include "netns/neighbour/neighbour_monitor.hpp"

#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cstdio>
#include <stdexcept>

#include "netns/sys/clock.hpp"
#include "netns/sys/errors.hpp"

namespace crashlab {

namespace {
void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("neighbour monitor: " + what + ": " + nl_geterror(rc));
}

// Room for a burst: a table flush announces every entry at once.
constexpr int kReceiveBuffer = 1 << 20;
}  // namespace

NeighbourMonitor::NeighbourMonitor(const NetNs& ns) : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!wake_) throw_errno("eventfd for the neighbour monitor");
  sock_ = ns.run([] {
    nl::SockPtr s(nl_socket_alloc());
    if (!s) throw std::bad_alloc();
    check(nl_connect(s.get(), NETLINK_ROUTE), "connect");
    check(nl_socket_add_membership(s.get(), RTNLGRP_NEIGH), "join RTNLGRP_NEIGH");
    check(nl_socket_set_buffer_size(s.get(), kReceiveBuffer, 0), "receive buffer");
    return s;
  });
  thread_ = std::thread([this] { run(); });
}

NeighbourMonitor::~NeighbourMonitor() {
  try {
    stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crashlab: stopping a neighbour monitor: %s\n", e.what());
  }
}

void NeighbourMonitor::drain() {
  alignas(nlmsghdr) char buf[16384];
  for (;;) {
    ssize_t n = ::recv(nl_socket_get_fd(sock_.get()), buf, sizeof buf, MSG_DONTWAIT);
    const int64_t now = monotonic_ns();
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == ENOBUFS) {  // the kernel dropped notifications; the socket goes on
        lost_ = true;
        continue;
      }
      throw_errno("receiving neighbour events");
    }
    if (n == 0) return;
    int len = int(n);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
      if (auto e = parse_neighbour_message(h, size_t(len), now)) events_.push_back(std::move(*e));
  }
}

void NeighbourMonitor::run() {
  pollfd fds[2] = {{nl_socket_get_fd(sock_.get()), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  try {
    for (;;) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        throw_errno("poll in the neighbour monitor");
      }
      if (fds[0].revents) drain();
      if (fds[1].revents) return;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crashlab: %s\n", e.what());
    lost_ = true;
  }
}

void NeighbourMonitor::stop() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  if (::write(wake_.get(), &one, sizeof one) != sizeof one) throw_errno("waking the neighbour monitor");
  thread_.join();
  drain();  // what arrived between the last poll and the wake-up
  sock_.reset();
}

std::vector<NeighbourEvent> NeighbourMonitor::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

}  // namespace crashlab
