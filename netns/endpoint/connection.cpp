#include "netns/endpoint/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "netns/sys/clock.hpp"
#include "netns/endpoint/address.hpp"

namespace crashlab::endpoint {
namespace {

constexpr size_t kChunk = 64 * 1024;
// Bounds one wakeup's reading so that a fast sender can't starve the other descriptors.
constexpr uint64_t kMaxReadPerWakeup = 4 * 1024 * 1024;

const std::array<char, kChunk>& send_pattern() {
  static const auto pattern = [] {
    std::array<char, kChunk> p{};
    for (size_t i = 0; i < p.size(); ++i) p[i] = char('a' + i % 26);
    return p;
  }();
  return pattern;
}

// SO_ERROR: the pending socket error (and clears it), or 0.
int take_socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

// The kernel's TCP state number (TCP_INFO), or -1.
int tcp_state_of(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 ? int(info.tcpi_state) : -1;
}

}  // namespace

Connection::Connection(UniqueFd fd, std::string peer, bool connecting, Json connect_id)
    : fd_(std::move(fd)), peer_(std::move(peer)), connecting_(connecting), connect_id_(std::move(connect_id)) {}

short Connection::poll_events(bool reading) const {
  if (connecting_) return POLLOUT;
  short events = 0;
  if (!sends_.empty()) events |= POLLOUT;
  if (reading && !read_done_)
    events |= POLLIN;
  else if (!read_done_ && !rdhup_reported_)
    events |= POLLRDHUP;
  return events;
}

bool Connection::handle_poll(short revents, bool reading, Emitter& out) {
  if (connecting_) return finish_connect(revents, out);
  if (revents & POLLOUT) flush(out);
  if ((revents & POLLIN) && reading) read_available(out);
  if (revents & POLLERR) report_socket_error(out);
  if ((revents & POLLRDHUP) && !reading && !read_done_ && !rdhup_reported_) {
    rdhup_reported_ = true;
    out.emit("rdhup");
  }
  if ((revents & POLLHUP) && !hup_reported_) {
    hup_reported_ = true;
    out.emit("hup");
  }
  return true;
}

bool Connection::finish_connect(short revents, Emitter& out) {
  int err = take_socket_error(fd());
  // Hung up without a pending error: fail rather than poll a dead socket forever,
  // saying what poll() and the kernel showed.
  if (!err && !(revents & POLLOUT) && (revents & (POLLHUP | POLLERR))) {
    out.error("connect", ENOTCONN, connect_id_,
              {{"message", "poll() reported hang-up without a pending socket error"},
               {"revents", revents},
               {"tcp_state", tcp_state_of(fd())}});
    return false;
  }
  if (err) {
    out.error("connect", err, connect_id_);
    return false;
  }
  if (!(revents & POLLOUT)) return true;
  connecting_ = false;
  out.emit("connected", {{"local", local_address(fd()).to_string()}, {"peer", peer_}}, connect_id_);
  flush(out);
  return true;
}

void Connection::queue_send(uint64_t bytes, const Json& id, bool periodic) {
  sends_.push_back({bytes, bytes, id, periodic});
}

void Connection::flush(Emitter& out) {
  if (connecting_) return;
  const auto& pattern = send_pattern();
  while (!sends_.empty()) {
    PendingSend& s = sends_.front();
    // The kernel transmits inside send() and arms the retransmission timer there; on a
    // slow machine the call itself can take milliseconds (the segment's delivery to a
    // local peer runs in it), so "sent" tells when the send was issued too.
    if (s.issued_ns == 0) s.issued_ns = monotonic_ns();
    while (s.remaining > 0) {
      const ssize_t n = ::send(fd(), pattern.data(), std::min<uint64_t>(s.remaining, pattern.size()),
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        s.remaining -= uint64_t(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return;  // the rest goes on POLLOUT
      } else if (errno != EINTR) {
        fail_sends(errno, out);
        return;
      }
    }
    Json fields = {{"bytes", s.bytes}, {"issued", s.issued_ns}};
    if (s.periodic) fields["periodic"] = true;
    out.emit("sent", fields, s.id);
    sends_.pop_front();
  }
}

void Connection::fail_sends(int err, Emitter& out) {
  const Json id = sends_.front().id;
  const uint64_t unsent = unsent_bytes();
  sends_.clear();
  send_failed_ = true;
  out.error("send", err, id, {{"unsent_bytes", unsent}});
}

void Connection::read_available(Emitter& out) {
  if (connecting_ || read_done_) return;
  static std::array<char, kChunk> buf;
  uint64_t got = 0;
  bool eof = false;
  int err = 0;
  while (got < kMaxReadPerWakeup) {
    const ssize_t n = ::recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
      got += uint64_t(n);
      continue;
    }
    if (n == 0)
      eof = true;
    else if (errno == EINTR)
      continue;
    else if (errno != EAGAIN && errno != EWOULDBLOCK)
      err = errno;
    break;
  }
  if (got > 0) {
    received_ += got;
    out.emit("data", {{"bytes", got}, {"total", received_}});
  }
  // After a fatal error (ECONNRESET, ETIMEDOUT) the kernel reports EOF next; stop
  // reading rather than report an "eof" that the peer never sent.
  if (eof || err) read_done_ = true;
  if (eof) out.emit("eof");
  if (err) out.error("recv", err);
}

void Connection::report_socket_error(Emitter& out) {
  const int err = take_socket_error(fd());
  if (err && reported_errors_.insert(err).second) out.error("poll", err);
}

uint64_t Connection::unsent_bytes() const {
  uint64_t total = 0;
  for (const PendingSend& s : sends_) total += s.remaining;
  return total;
}

}  // namespace crashlab::endpoint
