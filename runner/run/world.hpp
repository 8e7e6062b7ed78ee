#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netns/client/endpoint_client.hpp"
#include "netns/packet_capture.hpp"
#include "netns/observe/state_timeline.hpp"
#include "netns/topology.hpp"
#include "runner/case/case_spec.hpp"
#include "netns/observe/observation.hpp"

namespace crashlab::runner {

// Everything one case owns while it runs: the live objects, never a mailbox
// between stages (what the stages need is collected into a Measurement).
// Members are destroyed bottom-up: the endpoints die first, the capture and the
// observers stop, and the namespaces go last.
class World {
 public:
  explicit World(const CaseSpec& s);

  const CaseSpec& spec;
  uint16_t port;         // the server's
  uint16_t client_port;  // the client binds it, so both sides' connection is known in advance
  std::unique_ptr<Topology> topo;
  std::unique_ptr<Observation> obs;
  std::unique_ptr<PacketCapture> capture;          // before the endpoints die, after the topology exists
  std::vector<std::unique_ptr<EndpointClient>> retired;  // endpoints of a host that crashed and rebooted
  std::map<Role, std::unique_ptr<EndpointClient>> ep;
  std::map<Role, ConnKey> key;
  std::optional<int64_t> accept_id;  // the server's armed accept
  std::map<Role, bool> alive = {{Role::Server, true}, {Role::Client, true}};

  EndpointClient& endpoint(Role r) { return *ep.at(r); }
  // The last state the observers saw of a side's connection ("" before any).
  std::string last_state(Role r);
  // A fresh endpoint on the (rebooted) host of r takes over r's role.
  void replace_endpoint(Role r, std::unique_ptr<EndpointClient> fresh);
};

// A server port no other case of this process uses, so that concurrent cases'
// tracepoint filters never see each other's connections.
uint16_t allocate_port();

}  // namespace crashlab::runner
