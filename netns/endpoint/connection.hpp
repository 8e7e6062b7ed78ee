#pragma once
#include <cstdint>
#include <deque>
#include <set>
#include <string>

#include "netns/endpoint/emitter.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab::endpoint {

// The one TCP connection of an endpoint: a non-blocking socket, either still
// connecting or established, with its queue of bytes to send and what it has
// reported so far. Every method reports through the Emitter and never blocks.
class Connection {
 public:
  // `connecting`: a connect(2) is in progress; its outcome is reported with `connect_id`.
  Connection(UniqueFd fd, std::string peer, bool connecting, Json connect_id);

  int fd() const { return fd_.get(); }
  const std::string& peer() const { return peer_; }

  // False once "hup" was reported: POLLHUP is level-triggered and can't be masked.
  bool polled() const { return !hup_reported_; }
  short poll_events(bool reading) const;
  // Returns false when a connect failed; the connection is then useless.
  bool handle_poll(short revents, bool reading, Emitter& out);

  // Queues `bytes` bytes; "sent" (with `id`) once the kernel took them all.
  void queue_send(uint64_t bytes, const Json& id, bool periodic);
  // Writes what the socket takes now.
  void flush(Emitter& out);
  // Reads what is available now; reports "data", "eof" or a recv error.
  void read_available(Emitter& out);

  uint64_t unsent_bytes() const;
  // A send has failed on this connection (its queue was dropped then).
  bool send_failed() const { return send_failed_; }

 private:
  struct PendingSend {
    uint64_t bytes;
    uint64_t remaining;
    Json id;
    bool periodic;
    int64_t issued_ns = 0;  // CLOCK_MONOTONIC just before its first send(): 0 until then
  };

  bool finish_connect(short revents, Emitter& out);
  void fail_sends(int err, Emitter& out);
  void report_socket_error(Emitter& out);

  UniqueFd fd_;
  std::string peer_;
  bool connecting_;
  Json connect_id_;
  std::deque<PendingSend> sends_;
  bool send_failed_ = false;
  uint64_t received_ = 0;
  bool read_done_ = false;  // eof or a recv error was reported
  bool rdhup_reported_ = false;
  bool hup_reported_ = false;
  std::set<int> reported_errors_;
};

}  // namespace crashlab::endpoint
