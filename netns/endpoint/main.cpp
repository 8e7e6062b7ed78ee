// crashlab-endpoint: a TCP endpoint driven by JSON-lines commands on stdin,
// reporting events as JSON lines on stdout (docs/endpoint-protocol.md).
#include <csignal>

#include "netns/endpoint/event_loop.hpp"

int main() {
  // Sockets use MSG_NOSIGNAL; this covers stdout, whose reader may go away.
  std::signal(SIGPIPE, SIG_IGN);
  crashlab::endpoint::EventLoop loop;
  return loop.run();
}
