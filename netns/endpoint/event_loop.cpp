#include "netns/endpoint/event_loop.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "netns/endpoint/address.hpp"
#include "netns/endpoint/socket_options.hpp"

namespace crashlab::endpoint {

EventLoop::EventLoop() : out_(STDOUT_FILENO), commands_(STDIN_FILENO) {}

int EventLoop::run() {
  out_.emit("ready", {{"pid", getpid()}});
  for (;;) {
    std::vector<pollfd> fds;
    auto add = [&fds](int fd, short events) {
      fds.push_back({fd, events, 0});
      return int(fds.size()) - 1;
    };
    const int conn_i = conn_ && conn_->polled() ? add(conn_->fd(), conn_->poll_events(reading_)) : -1;
    const int timer_i = periodic_.active() ? add(periodic_.fd(), POLLIN) : -1;
    const int listen_i = listener_ && accept_armed_ ? add(listener_.get(), POLLIN) : -1;
    const int stdin_i = add(commands_.fd(), POLLIN);

    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      out_.error("poll", errno);
      return 1;
    }
    auto revents = [&fds](int i) { return i >= 0 ? fds[i].revents : short(0); };
    // The connection goes first: the handlers after it may replace or close it.
    if (const short r = revents(conn_i)) on_connection(r);
    if (revents(timer_i)) on_timer();
    if (revents(listen_i)) on_listener();
    if (revents(stdin_i) && !read_commands()) return 0;
  }
}

bool EventLoop::read_commands() {
  std::vector<std::string> lines;
  const bool more = commands_.read(lines);
  for (const std::string& line : lines) handle_line(line);
  return more;
}

void EventLoop::on_connection(short revents) {
  if (!conn_->handle_poll(revents, reading_, out_)) conn_.reset();
  stop_periodic_if_send_failed();
}

void EventLoop::on_listener() {
  if (!listener_ || !accept_armed_) return;
  SocketAddress peer;
  peer.length = sizeof peer.storage;
  UniqueFd fd(accept4(listener_.get(), peer.get(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    accept_armed_ = false;  // a persistent error (EMFILE...) would spin
    out_.error("accept", errno, accept_id_);
    return;
  }
  accept_armed_ = false;
  const int raw = fd.get();
  install_connection(std::make_unique<Connection>(std::move(fd), peer.to_string(), false, nullptr));
  apply_options(raw, accept_opts_, accept_id_);
  out_.emit("accepted", {{"local", local_address(raw).to_string()}, {"peer", peer.to_string()}}, accept_id_);
}

void EventLoop::on_timer() {
  const uint64_t ticks = periodic_.take_expirations();
  if (ticks == 0) return;
  if (!conn_) {
    stop_periodic("no connection");
    return;
  }
  for (uint64_t i = 0; i < ticks; ++i) conn_->queue_send(periodic_bytes_, periodic_id_, true);
  conn_->flush(out_);
  stop_periodic_if_send_failed();
}

void EventLoop::install_connection(std::unique_ptr<Connection> conn) {
  if (conn_) out_.emit("closed", {{"reason", "replaced"}, {"unsent_bytes", conn_->unsent_bytes()}});
  conn_ = std::move(conn);
}

bool EventLoop::apply_options(int fd, const SocketOptions& opts, const Json& id) {
  bool ok = true;
  for (const SocketOption& o : opts) {
    if (const int err = apply_socket_option(fd, o.name, o.value)) {
      ok = false;
      out_.error("setsockopt", err, id,
                 {{"option", o.name},
                  {"value", o.value},
                  {"message", "setting " + o.name + " to " + std::to_string(o.value) + " failed"}});
    }
  }
  return ok;
}

void EventLoop::stop_periodic(const std::string& reason) {
  periodic_.stop();
  out_.emit("periodic_stopped", {{"reason", reason}}, periodic_id_);
}

void EventLoop::stop_periodic_if_send_failed() {
  if (periodic_.active() && conn_ && conn_->send_failed()) stop_periodic("send failed");
}

}  // namespace crashlab::endpoint
