#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netns/app/app_process.hpp"
#include "netns/client/endpoint_client.hpp"
#include "netns/neighbour/neighbour_monitor.hpp"
#include "netns/wire/packet_capture.hpp"
#include "netns/observe/state_timeline.hpp"
#include "netns/topology/topology.hpp"
#include "runner/case/case_spec.hpp"
#include "netns/observe/observation.hpp"

namespace crashlab::runner {

// Everything one case owns while it runs: the live objects, never a mailbox
// between stages (what the stages need is collected into a Measurement).
// Members are destroyed bottom-up: the programs and endpoints die first, the
// capture and the observers stop, and the namespaces go last.
class World {
 public:
  explicit World(const CaseSpec& s);

  const CaseSpec& spec;
  uint16_t port;         // the server's
  uint16_t client_port;  // the client binds it, so both sides' connection is known in advance
  std::unique_ptr<Topology> topo;
  std::unique_ptr<Observation> obs;
  std::map<Role, std::unique_ptr<NeighbourMonitor>> neighbour_monitors;  // one per live host
  std::unique_ptr<PacketCapture> capture;          // before the endpoints die, after the topology exists
  std::vector<std::unique_ptr<EndpointClient>> retired;  // endpoints of a host that crashed and rebooted
  std::map<Role, std::unique_ptr<EndpointClient>> ep;
  std::map<Role, std::unique_ptr<app::AppProcess>> programs;  // sides the case gives a program
  bool client_program_connected = false;  // the keys name the client program's connection
  std::map<Role, ConnKey> key;
  std::optional<int64_t> accept_id;  // the server's armed accept
  std::map<Role, bool> alive = {{Role::Server, true}, {Role::Client, true}};

  EndpointClient& endpoint(Role r) { return *ep.at(r); }
  app::AppProcess* program(Role r) {
    auto it = programs.find(r);
    return it == programs.end() ? nullptr : it->second.get();
  }
  // SIGKILL to the side's process (every process of a program), waiting until it is gone.
  void kill_process(Role r);
  // SIGSTOP to the side's process (every process of a program).
  void stop_process(Role r);
  // The last state the observers saw of a side's connection ("" before any).
  std::string last_state(Role r);
  // A fresh endpoint on the (rebooted) host of r takes over r's role.
  void replace_endpoint(Role r, std::unique_ptr<EndpointClient> fresh);
  // The observers and a neighbour monitor on r's host (again, once it has rebooted).
  void watch_host(Role r);
  // Before r's host goes: its monitor stops (so that it does not keep the
  // namespace alive) and what it saw is kept.
  void unwatch_host(Role r);
  // At the end of the run: the live monitors read what is queued and stop.
  void stop_neighbour_monitors();
  // Every neighbour event of r's hosts (the one that crashed and the rebooted one).
  std::vector<NeighbourEvent> neighbour_events(Role r) const;
  bool neighbour_events_lost(Role r) const;

 private:
  std::map<Role, std::vector<NeighbourEvent>> gone_hosts_events_;
  std::map<Role, bool> gone_hosts_lost_;
};

// A server port no other case of this process uses, so that concurrent cases'
// tracepoint filters never see each other's connections.
uint16_t allocate_port();

}  // namespace crashlab::runner
