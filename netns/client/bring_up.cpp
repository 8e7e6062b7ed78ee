#include "netns/client/bring_up.hpp"

namespace crashlab {

ArmedListener listen_and_accept(EndpointClient& server, const std::string& addr, uint16_t port,
                                const SocketOptions& listen_opts, const SocketOptions& accept_opts,
                                milliseconds timeout) {
  ArmedListener l;
  l.bound = server.listen(addr, port, listen_opts, timeout);
  l.accept_id = server.arm_accept(accept_opts);
  return l;
}

ConnectedEnds connect_accepted(EndpointClient& client, const ConnectTo& to, EndpointClient& server,
                               int64_t accept_id, milliseconds timeout) {
  ConnectedEnds ends;
  ends.connected = client.connect(to, timeout);
  ends.accepted = server.expect(AppEventKind::Accepted, server.wait_for_answer(accept_id, timeout));
  return ends;
}

ConnectedEnds bring_up(EndpointClient& server, EndpointClient& client, const ConnectTo& to,
                       const SocketOptions& listen_opts, milliseconds timeout) {
  const ArmedListener l = listen_and_accept(server, to.addr, to.port, listen_opts, {}, timeout);
  ConnectTo dest = to;
  dest.port = l.bound.port;  // the one port 0 picked
  return connect_accepted(client, dest, server, l.accept_id, timeout);
}

}  // namespace crashlab
