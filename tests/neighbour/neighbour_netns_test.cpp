// The neighbour table and its netlink monitor against a real kernel: the monitor
// sees the kernel learn a peer from its ARP request, and every state the table
// sets, each read back as the kernel holds it, on the clock of the other events.
#include <gtest/gtest.h>

#include "fixtures/connected_pair.hpp"
#include "fixtures/privilege.hpp"
#include "fixtures/waits.hpp"
#include "netns/sys/clock.hpp"
#include "netns/neighbour/neighbour_monitor.hpp"
#include "netns/neighbour/neighbour_table.hpp"

using namespace crashlab;

namespace {
class NeighbourNetns : public NamespaceTest {};

std::string events_text(const std::vector<NeighbourEvent>& events) {
  std::string s;
  for (const NeighbourEvent& e : events)
    s += std::string(s.empty() ? "" : ", ") + (e.kind == NeighbourEvent::Kind::Deleted ? "deleted " : "") + e.address +
         " " + nud_state_name(e.state) + " " + e.lladdr;
  return s.empty() ? "(none)" : s;
}

// Waits for the monitor to report `address` in `state` (or deleted).
testing::AssertionResult seen(const NeighbourMonitor& mon, const std::string& address, NudState state,
                              NeighbourEvent::Kind kind = NeighbourEvent::Kind::Changed) {
  return waitUntil(
      [&] {
        for (const NeighbourEvent& e : mon.events())
          if (e.address == address && e.kind == kind && (kind == NeighbourEvent::Kind::Deleted || e.state == state))
            return true;
        return false;
      },
      "a neighbour event for " + address + " " + nud_state_name(state), scaled(milliseconds(3000)),
      [&] { return events_text(mon.events()); });
}
}  // namespace

TEST_F(NeighbourNetns, TheMonitorSeesTheKernelLearnAPeerAndEveryStateTheTableSets) {
  Topology t({});
  const NetNs& server = t.host(Role::Server).ns();
  const std::string client = t.address(Role::Client), mac = t.mac(Role::Client);
  NeighbourMonitor mon(server);
  const int64_t started = monotonic_ns();
  ConnectedPair c(t, 7101);  // the client's ARP request for the server leaves the server an entry for it
  ASSERT_TRUE(seen(mon, client, NudState::Stale));

  NeighbourTable table(server);
  table.replace(Host::kIfname, client, mac, NudState::Reachable);
  auto entry = table.find(Host::kIfname, client);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, NudState::Reachable);
  EXPECT_EQ(entry->lladdr, mac);
  EXPECT_TRUE(seen(mon, client, NudState::Reachable));

  table.replace(Host::kIfname, client, mac, NudState::Stale);
  EXPECT_EQ(table.find(Host::kIfname, client)->state, NudState::Stale);

  table.remove(Host::kIfname, client);
  EXPECT_FALSE(table.find(Host::kIfname, client)) << "still there after ip neigh del";
  EXPECT_TRUE(seen(mon, client, NudState::None, NeighbourEvent::Kind::Deleted));
  EXPECT_NO_THROW(table.remove(Host::kIfname, client)) << "removing what is not there is what was asked";

  mon.stop();
  const int64_t stopped = monotonic_ns();
  const auto events = mon.events();
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_GE(events[i].t_ns, started) << events_text(events);
    EXPECT_LE(events[i].t_ns, stopped);
    if (i) {
      EXPECT_LE(events[i - 1].t_ns, events[i].t_ns);
    }
  }
  EXPECT_FALSE(mon.lost_events());
}

TEST_F(NeighbourNetns, AnUnknownInterfaceOrAddressIsAClearError) {
  Host h("h");
  NeighbourTable table(h.ns());
  try {
    table.find("eth9", "10.77.0.2");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("eth9"), std::string::npos) << e.what();
  }
  EXPECT_THROW(table.replace("lo", "not-an-address", "02:cc:00:02:00:00", NudState::Reachable), std::runtime_error);
}
