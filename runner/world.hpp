#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netns/client/endpoint_client.hpp"
#include "netns/packet_capture.hpp"
#include "netns/state_timeline.hpp"
#include "netns/topology.hpp"
#include "runner/case_spec.hpp"
#include "runner/observation.hpp"

namespace crashlab {

Role role_of(const std::string& r);

// Everything one case owns while it runs. Members are destroyed bottom-up: the
// endpoints die first, the observers stop, and the namespaces go last.
struct World {
  const CaseSpec& spec;
  uint16_t port;         // the server's
  uint16_t client_port;  // bound explicitly when the client connects after the fault
  std::unique_ptr<Topology> topo;
  std::unique_ptr<Observation> obs;
  std::unique_ptr<PacketCapture> capture;  // before the endpoints die, after the topology exists
  std::vector<std::unique_ptr<EndpointClient>> retired;  // endpoints of a host that crashed and rebooted
  std::map<std::string, std::unique_ptr<EndpointClient>> ep;
  std::map<std::string, ConnKey> key;
  std::map<std::string, bool> alive = {{"server", true}, {"client", true}};
  std::map<std::string, const Host*> host_at_fault;  // to count segments of that host only
  std::map<std::string, uint64_t> tx_at_fault;
  std::map<std::string, TcpInfo> tcp_info_at_fault;  // TCP_INFO of each live connection
  int64_t fault_t = 0;
  std::optional<int64_t> recovered_t;  // when the reboot or heal happened
  std::optional<int64_t> connect_t;    // when the client connected, if after the fault
  Clock::time_point deadline{};

  explicit World(const CaseSpec& s);
  EndpointClient& endpoint(const std::string& role) { return *ep.at(role); }
  // The application's outcomes after the fault: eof, error, sent and data events.
  std::vector<AppEvent> outcomes_after_fault(const std::string& role);
  std::optional<AppEvent> detection(const std::string& role);  // the first EOF or error
  std::string last_state(const std::string& role);
};

bool is_detection(const AppEvent& event);
std::string outcome_name(const AppEvent& event);  // EOF, SENT, DATA or the errno name

}  // namespace crashlab
