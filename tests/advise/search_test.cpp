// The search against the model: the proposal's worst case is within the deadline,
// an outage of the requested length is survived (checked through the runner's own
// prediction of a heal), and no cheaper combination on a brute-force grid meets both.
#include <gtest/gtest.h>

#include "runner/advise/search.hpp"
#include "runner/predict/prediction.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::advise;

namespace {
Request request(int64_t deadline_ms, int64_t outage_ms, Traffic t, Scope s = Scope::Socket) {
  Request r;
  r.detect_within_ms = deadline_ms;
  r.survive_outage_ms = outage_ms;
  r.traffic = t;
  r.scope = s;
  return r;
}

// The runner's prediction stage, not advise's own arithmetic: an outage that starts
// just before the first probe (idle) or with the send (busy) and heals at `outage_ms`.
SidePrediction outage_prediction(const Settings& s, const Request& r, bool idle, double outage_ms) {
  PredictionInput in;
  in.peer = PredictionInput::Peer::Silent;
  in.kernel = kernel_params(s, r.hz);
  in.socket = socket_params(s);
  in.flight.srtt_us = 100;
  in.flight.rto_us = in.kernel.tcp_rto_min_us + 100;
  in.flight.sack = true;
  const double start = idle ? s.keepidle_s * 1000.0 - 100 : 0;
  if (idle)
    in.last_recv_ms = -start;
  else
    in.send_ms = 0;
  in.recovery_ms = outage_ms;
  return predict_side(in);
}

const std::vector<Request> kRequests = {
    request(10000, 2000, Traffic::Both),          request(30000, 10000, Traffic::Both),
    request(120000, 30000, Traffic::Both),        request(10000, 3000, Traffic::Idle),
    request(30000, 5000, Traffic::Busy),          request(10000, 2000, Traffic::Both, Scope::Sysctl),
    request(120000, 20000, Traffic::Idle, Scope::Sysctl), request(30000, 0, Traffic::Both),
};
}  // namespace

TEST(AdviseSearch, TheProposalMeetsTheDeadlineInTheWorstCase) {
  for (const Request& r : kRequests) {
    SCOPED_TRACE(std::to_string(r.detect_within_ms) + " ms " + traffic_name(r.traffic) + " " + scope_name(r.scope));
    const SearchResult s = search(r);
    ASSERT_TRUE(s.proposal);
    EXPECT_FALSE(s.budget_exhausted);
    // Evaluated afresh from the settings alone.
    const Evaluation e = evaluate(s.proposal->settings, r.hz);
    if (r.wants_idle()) {
      ASSERT_TRUE(e.idle.detection.worst_ms);
      EXPECT_LE(*e.idle.detection.worst_ms, double(r.detect_within_ms));
    }
    if (r.wants_busy()) {
      ASSERT_TRUE(e.busy.detection.worst_ms);
      EXPECT_LE(*e.busy.detection.worst_ms, double(r.detect_within_ms));
    }
    EXPECT_TRUE(meets(e, r));
  }
}

TEST(AdviseSearch, AnOutageOfTheRequestedLengthIsSurvived) {
  // Outages that end before the survivor's neighbour entry can fail (23 s for one REACHABLE at the fault).
  for (const Request& r : {request(10000, 2000, Traffic::Both), request(30000, 5000, Traffic::Both),
                           request(10000, 2000, Traffic::Both, Scope::Sysctl)}) {
    SCOPED_TRACE(std::to_string(r.detect_within_ms) + " ms " + scope_name(r.scope));
    const SearchResult s = search(r);
    ASSERT_TRUE(s.proposal);
    for (bool idle : {true, false}) {
      const SidePrediction p = outage_prediction(s.proposal->settings, r, idle, double(r.survive_outage_ms));
      EXPECT_TRUE(p.not_modelled.empty()) << p.not_modelled;
      EXPECT_FALSE(p.detected_after_ms) << (idle ? "idle: " : "busy: ") << p.reason;
      // And an outage until past the worst-case give-up does end it: the check can fail.
      const SideOutcome& side = idle ? s.proposal->eval.idle : s.proposal->eval.busy;
      const SidePrediction dead = outage_prediction(s.proposal->settings, r, idle, *side.detection.worst_ms + 1000);
      EXPECT_TRUE(dead.detected_after_ms) << dead.reason;
    }
  }
}

TEST(AdviseSearch, NoCheaperCombinationOnABruteForceGridMeetsTheRequest) {
  for (const Request& r : {request(10000, 2000, Traffic::Both), request(10000, 3000, Traffic::Idle),
                           request(10000, 2000, Traffic::Both, Scope::Sysctl)}) {
    SCOPED_TRACE(std::string(traffic_name(r.traffic)) + " " + scope_name(r.scope));
    const SearchResult found = search(r);
    ASSERT_TRUE(found.proposal);
    const double cost = found.proposal->eval.probes_per_hour;
    std::vector<std::optional<int>> timeouts = {std::nullopt};
    if (r.scope == Scope::Socket)
      for (int u = 500; u <= 10000; u += 500) timeouts.push_back(u);
    const std::vector<int> retries = r.scope == Scope::Sysctl ? std::vector<int>{1, 2, 3, 4, 5} : std::vector<int>{15};
    int met = 0;
    for (int k = 1; k <= 9; ++k)
      for (int i = 1; i <= 9; ++i)
        for (int c = 1; c <= 9; ++c)
          for (const auto& u : timeouts)
            for (int n : retries) {
              Settings s;
              s.scope = r.scope;
              s.keepalive = true;
              s.keepidle_s = k, s.keepintvl_s = i, s.keepcnt = c, s.user_timeout_ms = u, s.tcp_retries2 = n;
              if (s.probes_per_hour() >= cost || (k + i) * 1000 > r.detect_within_ms) continue;  // not cheaper, or never in time
              const Evaluation e = evaluate(s, r.hz);
              EXPECT_FALSE(meets(e, r)) << settings_text(s) << " costs " << s.probes_per_hour() << " < " << cost;
              met += meets(e, r);
            }
    EXPECT_EQ(met, 0);
  }
}

TEST(AdviseSearch, BusyOnlyNeedsNoKeepalive) {
  const Request r = request(30000, 5000, Traffic::Busy);
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  EXPECT_FALSE(s.proposal->settings.keepalive);
  EXPECT_EQ(s.proposal->eval.probes_per_hour, 0);
  ASSERT_TRUE(s.proposal->settings.user_timeout_ms);
  // The longest user timeout on the grid that meets the deadline: one step more does not.
  Settings longer = s.proposal->settings;
  *longer.user_timeout_ms += s.user_timeout_step_ms;
  EXPECT_FALSE(side_meets(evaluate_busy(longer, r.hz), r));
}

TEST(AdviseSearch, AlternativesCostMoreAndSurviveLongerOutages) {
  const Request r = request(30000, 5000, Traffic::Both);
  const SearchResult s = search(r);
  ASSERT_TRUE(s.proposal);
  ASSERT_FALSE(s.alternatives.empty());
  const Candidate* prev = &*s.proposal;
  for (const Candidate& c : s.alternatives) {
    EXPECT_TRUE(meets(c.eval, r));
    EXPECT_GT(c.eval.probes_per_hour, prev->eval.probes_per_hour);
    EXPECT_GT(*tolerated_ms(c.eval, r), *tolerated_ms(prev->eval, r) + 1000);  // a real margin, not a tick
    prev = &c;
  }
}

TEST(AdviseSearch, ImpossibleRequestsHaveNoProposal) {
  // Keepalive works in whole seconds: idle + one interval is at least 2 s.
  EXPECT_FALSE(search(request(1500, 0, Traffic::Idle)).proposal);
  // The first RTO retransmission alone comes ~0.4 s after the send, and tcp_retries2=1 gives up after ~1.4 s.
  EXPECT_FALSE(search(request(1000, 0, Traffic::Busy, Scope::Sysctl)).proposal);
}

TEST(AdviseSearch, TheWorkedExamplesStayWellInsideTheModelBudget) {
  for (int64_t d : {10000, 30000, 120000})
    for (Traffic t : {Traffic::Idle, Traffic::Busy, Traffic::Both}) {
      const SearchResult s = search(request(d, d / 5, t));
      EXPECT_TRUE(s.proposal) << d << " " << traffic_name(t);
      EXPECT_LT(s.model_calls, kMaxModelCalls / 2) << d << " " << traffic_name(t);
    }
}

TEST(AdviseSearch, ABusyChainPastTheNeighbourHorizonIsWidenedByTheRevert) {
  // The first version's 2-minute proposal: TCP_USER_TIMEOUT=118000 alone gives up by about
  // 119 s. Retransmissions at about 26, 52 and 104 s come after the entry can fail (23 s);
  // failed before the one at 52 s, the RTO stays at about 26 s and the ICMP of the one at
  // 104 s re-arms the timer past 125 s, beyond a 2-minute deadline.
  Settings s;
  s.user_timeout_ms = 118000;
  const SideOutcome busy = evaluate_busy(s, 250);
  ASSERT_TRUE(busy.detection.neighbour);
  EXPECT_NEAR(busy.detection.neighbour->fails_from_ms, 23012, 1);
  EXPECT_EQ(busy.detection.neighbour->error, "EHOSTUNREACH");
  EXPECT_EQ(busy.detection.error, "ETIMEDOUT");  // the chain's own, when the entry outlives it
  EXPECT_GT(*busy.detection.worst_ms, 125000);
  EXPECT_LT(*busy.detection.earliest_ms, 119000);
  EXPECT_NE(busy.detection.reason.find("RFC 6069"), std::string::npos) << busy.detection.reason;
  EXPECT_FALSE(side_meets(busy, request(120000, 30000, Traffic::Busy)));
  // A chain that ends before the horizon keeps the model's own interval.
  s.user_timeout_ms = 9000;
  EXPECT_FALSE(evaluate_busy(s, 250).detection.neighbour);
}

TEST(AdviseSearch, TheTwoMinuteProposalHoldsWhereverTheNeighbourEntryFails) {
  const Request r = request(120000, 30000, Traffic::Both);
  const SearchResult found = search(r);
  ASSERT_TRUE(found.proposal);
  ASSERT_TRUE(found.proposal->eval.busy.detection.neighbour);  // the chain does run past the horizon
  // Afresh, from the model alone: the entry failing before each retransmission that can
  // go out from 23 s on (REACHABLE at the fault: 15 s + 5 s + 3 x 1.004 s).
  const model::KernelParams k = kernel_params(found.proposal->settings, r.hz);
  const model::SocketParams sock = socket_params(found.proposal->settings);
  model::FlightParams f;
  f.srtt_us = 100;
  f.rto_us = k.tcp_rto_min_us + 100;
  f.sack = true;
  const model::Prediction tcp = model::predict_data_retransmission(k, sock, f);
  int scenarios = 0;
  for (const model::Firing& x : tcp.schedule) {
    if (x.kind != "retransmit" || x.at_us + x.late_max_us < 23012000) continue;
    model::NeighbourFailure n;
    n.from_us = x.at_us;
    n.probes = 3;
    n.probe_delay_us = 1000000;
    const model::Prediction p = model::predict_data_retransmission(k, sock, f, n);
    ++scenarios;
    EXPECT_LE(double(p.give_up_us + p.give_up_late_max_us) / 1e3, double(r.detect_within_ms)) << p.reason;
    if (p.alternative_give_up_us) {
      EXPECT_LE(double(*p.alternative_give_up_us) / 1e3, double(r.detect_within_ms));
    }
  }
  EXPECT_GE(scenarios, 1);
  // The outage asked for still needs a retransmission after 30 s.
  EXPECT_GE(*found.proposal->eval.busy.tolerated_ms, 30000 + r.tick_ms());
}
