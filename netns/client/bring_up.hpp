#pragma once
// The usual start of a test connection: a listening server with an accept armed,
// a client that connects to it, and the server's `accepted`.
#include <cstdint>
#include <string>

#include "netns/client/endpoint_client.hpp"

namespace crashlab {

struct ArmedListener {
  Bound bound;        // where it listens (port 0 picks one)
  int64_t accept_id;  // `accepted` will carry it
};

// listen() with `listen_opts`, then one accept with `accept_opts`; throws with the error met.
ArmedListener listen_and_accept(EndpointClient& server, const std::string& addr, uint16_t port,
                                const SocketOptions& listen_opts = {}, const SocketOptions& accept_opts = {},
                                milliseconds timeout = default_timeout());

struct ConnectedEnds {
  AppEvent connected;  // the client's
  AppEvent accepted;   // the server's
};

// The client connects to `to`; waits for the answer to the server's armed accept.
// Throws with the error either side met.
ConnectedEnds connect_accepted(EndpointClient& client, const ConnectTo& to, EndpointClient& server,
                               int64_t accept_id, milliseconds timeout = default_timeout());

// Both steps: the server listens on to.addr:to.port, the client connects there
// (to the port picked, if to.port is 0).
ConnectedEnds bring_up(EndpointClient& server, EndpointClient& client, const ConnectTo& to,
                       const SocketOptions& listen_opts = {}, milliseconds timeout = default_timeout());

}  // namespace crashlab
