#include "runner/run/world/neighbours.hpp"

#include <stdexcept>

#include "netns/sys/clock.hpp"
#include "netns/neighbour/neighbour_table.hpp"
#include "runner/case/roles.hpp"

namespace crashlab::runner {

namespace {
struct Peer {
  std::string address, mac;
};

using Entry = std::optional<NeighbourEntry>;

// One row per choice: how to bring the entry there, and what reading it back must show.
struct ChoiceRule {
  NeighbourChoice choice;
  void (*apply)(NeighbourTable&, const Peer&);
  bool (*holds)(const Entry&, const Peer&);
};

bool is(const Entry& e, NudState s, const Peer& p) { return e && e->state == s && e->lladdr == p.mac; }

constexpr ChoiceRule kRules[] = {
    {NeighbourChoice::Reachable,
     [](NeighbourTable& t, const Peer& p) { t.replace(Host::kIfname, p.address, p.mac, NudState::Reachable); },
     [](const Entry& e, const Peer& p) { return is(e, NudState::Reachable, p); }},
    {NeighbourChoice::Stale,
     [](NeighbourTable& t, const Peer& p) { t.replace(Host::kIfname, p.address, p.mac, NudState::Stale); },
     [](const Entry& e, const Peer& p) { return is(e, NudState::Stale, p); }},
    // A packet sent in between may have begun resolving the address anew: that is absent too.
    {NeighbourChoice::Absent, [](NeighbourTable& t, const Peer& p) { t.remove(Host::kIfname, p.address); },
     [](const Entry& e, const Peer&) { return !e || e->state == NudState::Incomplete; }},
    {NeighbourChoice::Untouched, [](NeighbourTable&, const Peer&) {}, [](const Entry&, const Peer&) { return true; }},
};

const ChoiceRule& rule_for(NeighbourChoice c) {
  for (const ChoiceRule& r : kRules)
    if (r.choice == c) return r;
  throw std::logic_error("a neighbour choice without a rule");
}

std::string entry_text(const Entry& e) {
  return e ? std::string(nud_state_name(e->state)) + (e->lladdr.empty() ? "" : " " + e->lladdr) : "no entry";
}
}  // namespace

void set_neighbours_for_fault(World& w, Measurement& m) {
  for (Role r : kRoles) {
    if (!w.topo->has_host(r)) continue;
    const NextHop hop = w.topo->next_hop(r);  // the peer, or the router in between
    const Peer peer{hop.address, hop.mac};
    const NeighbourChoice asked = w.spec.neighbour_at_fault(r);
    NeighbourTable table(w.topo->host(r).ns());
    const ChoiceRule& rule = rule_for(asked);
    rule.apply(table, peer);
    const Entry read_back = table.find(Host::kIfname, peer.address);
    if (!rule.holds(read_back, peer))
      throw std::runtime_error(std::string("the ") + role_name(r) + "'s neighbour entry for " + peer.address + " (" +
                               peer.mac + "): asked " + std::string(neighbour_choice_name(asked)) +
                               ", the kernel holds " + entry_text(read_back));
    NeighbourAtFault at{asked, std::nullopt, "", monotonic_ns()};
    if (read_back) {
      at.state = read_back->state;
      at.lladdr = read_back->lladdr;
    }
    m.sides[r].neighbour_at_fault = at;
  }
}

void collect_neighbour_events(World& w, Measurement& m) {
  w.stop_neighbour_monitors();
  for (Role r : kRoles) {
    SideMeasurement& s = m.sides[r];
    const std::string peer = w.topo->next_hop(r).address;
    for (const NeighbourEvent& e : w.neighbour_events(r))
      if (e.address == peer) s.neighbour_events.push_back(e);
    s.neighbour_events_lost = w.neighbour_events_lost(r);
  }
}

}  // namespace crashlab::runner
