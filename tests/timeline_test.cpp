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
