// The merged timeline is a pure function of the spec, a Measurement and the
// predictions: the fault first, then every observation in time order, each
// retransmission beside the firing it pairs with, and the firings never seen.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/result/timeline.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
std::vector<nlohmann::json> of_kind(const nlohmann::json& tl, const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& e : tl)
    if (e["kind"] == kind) out.push_back(e);
  return out;
}
}  // namespace

TEST(Timeline, FaultRecoveryStatesAndAppEventsInTimeOrder) {
  CaseSpec spec = case_from(R"({"description": "d", "fault": {"type": "partition", "target": "client", "heal_after_ms": 300},
    "window_ms": 2000, "expect": {"server": {"app": ["SENT"]}}})");
  Measurement m = measurement_of(spec);
  m.recovered_t_ns = at_ms(301);
  add_state(m.sides[Role::Server], -40, "ESTABLISHED");
  m.sides[Role::Server].app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(2), 100, ""});
  m.sides[Role::Client].app.push_back({*Outcome::parse("ECONNRESET"), at_ms(900), 0, "recv"});
  const nlohmann::json tl = build_timeline(spec, m, {});
  ASSERT_GE(tl.size(), 5u);
  for (size_t i = 1; i < tl.size(); ++i) EXPECT_LE(tl[i - 1]["t_ms"].get<double>(), tl[i]["t_ms"].get<double>());
  EXPECT_EQ(of_kind(tl, "fault").at(0)["detail"], "partition of the client");
  EXPECT_EQ(of_kind(tl, "recovery").at(0)["detail"], "the partition heals");
  EXPECT_DOUBLE_EQ(of_kind(tl, "recovery").at(0)["t_ms"].get<double>(), 301);
  auto app = of_kind(tl, "app");
  ASSERT_EQ(app.size(), 2u);
  EXPECT_EQ(app[0]["detail"], "sent 100 bytes");
  EXPECT_EQ(app[1]["detail"], "recv: ECONNRESET");
  EXPECT_EQ(app[1]["side"], "client");
  EXPECT_EQ(of_kind(tl, "state").at(0)["source"], "tracepoint");
}

TEST(Timeline, RetransmissionsPairWithTheModelAndUnseenFiringsAreShown) {
  CaseSpec spec = host_crash_send_case(R"({"detected_after_ms": "model"})");
  Measurement m = measurement_of(spec);
  SideMeasurement& s = m.sides[Role::Server];
  s.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(5), 1000, ""});
  Predictions predicted = predict(spec, m);
  std::vector<PredictedFiring> firings;
  for (const auto& f : predicted.at(Role::Server).schedule)
    if (f.kind != "keepalive_probe") firings.push_back(f);
  ASSERT_GE(firings.size(), 3u);
  m.kernel_events.push_back(retransmit(s.key, firings[0].at_ms + 1));  // the first seen, the rest not
  const nlohmann::json tl = build_timeline(spec, m, predicted);
  auto seen = of_kind(tl, firings[0].kind);
  size_t observed = 0, missing = 0;
  for (const auto& k : {"retransmit", "tail_loss_probe"})
    for (const auto& e : of_kind(tl, k)) (e["source"] == "tracepoint" ? observed : missing)++;
  EXPECT_EQ(observed, 1u);
  EXPECT_EQ(missing, firings.size() - 1);
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen[0]["predicted_ms"].get<double>(), firings[0].at_ms);
}

TEST(Timeline, NeighbourStatesAndArpFramesOnTheSideThatHoldsOrSendsThem) {
  CaseSpec spec = host_crash_send_case(R"({"app": ["SENT"]})");
  Measurement m = measurement_of(spec);
  SideMeasurement& s = m.sides[Role::Server];
  s.neighbour_at_fault = NeighbourAtFault{NeighbourChoice::Reachable, NudState::Reachable, "02:cc:00:02:00:00", at_ms(-0.1)};
  s.neighbour_events.push_back({NeighbourEvent::Kind::Changed, at_ms(5200), 2, "10.77.0.2", "02:cc:00:02:00:00", NudState::Probe});
  s.neighbour_events.push_back({NeighbourEvent::Kind::Changed, at_ms(8200), 2, "10.77.0.2", "", NudState::Failed});
  ArpPacket probe;
  probe.t_ns = at_ms(5200.1);
  probe.eth_dst = "02:cc:00:02:00:00";
  probe.sender_mac = "02:cc:00:01:00:00", probe.sender_ip = "10.77.0.1";
  probe.target_mac = "00:00:00:00:00:00", probe.target_ip = "10.77.0.2";
  m.arp.push_back(probe);
  const nlohmann::json tl = build_timeline(spec, m, {});
  auto neighbour = of_kind(tl, "neighbour");
  ASSERT_EQ(neighbour.size(), 3u);
  EXPECT_EQ(neighbour[0]["detail"], "REACHABLE at 02:cc:00:02:00:00 at the fault (asked: reachable)");
  EXPECT_EQ(neighbour[0]["source"], "runner");
  EXPECT_EQ(neighbour[1]["detail"], "PROBE 10.77.0.2 at 02:cc:00:02:00:00");
  EXPECT_EQ(neighbour[2]["detail"], "FAILED 10.77.0.2");
  EXPECT_EQ(neighbour[2]["source"], "netlink");
  EXPECT_EQ(neighbour[2]["side"], "server");
  auto arp = of_kind(tl, "arp");
  ASSERT_EQ(arp.size(), 1u);
  EXPECT_EQ(arp[0]["side"], "server");  // 10.77.0.1 is the server's own address
  EXPECT_EQ(arp[0]["detail"], "who-has 10.77.0.2 tell 10.77.0.1 (unicast to 02:cc:00:02:00:00)");
  EXPECT_EQ(arp[0]["source"], "capture");
  EXPECT_NEAR(arp[0]["t_ms"].get<double>(), 5200.1, 1e-6);
}
