#include "runner/result/neighbour_json.hpp"

namespace crashlab::runner {

namespace {
using Json = nlohmann::json;

double after_fault_ms(int64_t t_ns, int64_t fault_t_ns) { return double(t_ns - fault_t_ns) / 1e6; }

Json at_fault_json(const std::optional<NeighbourAtFault>& n, int64_t fault_t_ns) {
  if (!n || !n->state) return nullptr;
  return {{"state", nud_state_name(*n->state)},
          {"lladdr", n->lladdr},
          {"t_ns", n->t_ns},
          {"after_fault_ms", after_fault_ms(n->t_ns, fault_t_ns)}};
}
}  // namespace

Json neighbour_json(const SideResult& s, int64_t fault_t_ns) {
  if (!s.neighbour_at_fault && s.neighbour_events.empty()) return nullptr;
  Json events = Json::array();
  for (const NeighbourEvent& e : s.neighbour_events)
    events.push_back({{"t_ns", e.t_ns},
                      {"after_fault_ms", after_fault_ms(e.t_ns, fault_t_ns)},
                      {"event", e.kind == NeighbourEvent::Kind::Deleted ? "deleted" : "changed"},
                      {"state", nud_state_name(e.state)},
                      {"lladdr", e.lladdr}});
  return {{"asked", s.neighbour_at_fault ? Json(neighbour_choice_name(s.neighbour_at_fault->asked)) : Json(nullptr)},
          {"at_fault", at_fault_json(s.neighbour_at_fault, fault_t_ns)},
          {"events", events},
          {"events_lost", s.neighbour_events_lost}};
}

Json arp_json(const std::vector<ArpPacket>& arp, int64_t fault_t_ns) {
  Json out = Json::array();
  for (const ArpPacket& p : arp)
    out.push_back({{"t_ns", p.t_ns},
                   {"after_fault_ms", after_fault_ms(p.t_ns, fault_t_ns)},
                   {"protocol", p.ndp ? "ndp" : "arp"},
                   {"op", p.ndp ? (p.reply ? "advertisement" : "solicitation") : p.reply ? "reply" : "request"},
                   {"solicited", p.solicited},
                   {"eth_dst", p.eth_dst},
                   {"sender_mac", p.sender_mac},
                   {"sender_ip", p.sender_ip},
                   {"target_mac", p.target_mac},
                   {"target_ip", p.target_ip}});
  return out;
}

std::string neighbour_event_text(const NeighbourEvent& e) {
  if (e.kind == NeighbourEvent::Kind::Deleted) return "deleted " + e.address;
  return nud_state_name(e.state) + (" " + e.address) + (e.lladdr.empty() ? "" : " at " + e.lladdr);
}

std::string arp_text(const ArpPacket& p) {
  if (p.ndp && p.reply)
    return std::string(p.solicited ? "" : "unsolicited ") + "neighbour advertisement: " + p.sender_ip + " is-at " + p.sender_mac +
           " (to " + p.target_ip + ")";
  if (p.ndp)
    return "neighbour solicitation: who-has " + p.target_ip + " tell " + p.sender_ip +
           (p.broadcast() ? " (multicast)" : " (unicast to " + p.eth_dst + ")");
  if (p.gratuitous()) return "gratuitous " + std::string(p.reply ? "reply" : "request") + ": " + p.sender_ip + " is-at " + p.sender_mac;
  if (p.reply) return p.sender_ip + " is-at " + p.sender_mac + " (to " + p.eth_dst + ")";
  return "who-has " + p.target_ip + " tell " + p.sender_ip + (p.broadcast() ? " (broadcast)" : " (unicast to " + p.eth_dst + ")");
}

}  // namespace crashlab::runner
