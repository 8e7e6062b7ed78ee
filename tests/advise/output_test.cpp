// advise's edges: durations in, the JSON schema (docs/advise.md), the text, the
// obvious answers and the snippets out.
#include <gtest/gtest.h>

#include "runner/advise/advice_json.hpp"
#include "runner/advise/advice_text.hpp"
#include "runner/json/fields.hpp"

using namespace crashlab::runner;
using namespace crashlab::runner::advise;

namespace {
Request both(int64_t d, int64_t s) {
  Request r;
  r.detect_within_ms = d;
  r.survive_outage_ms = s;
  return r;
}

void expect_side_schema(const nlohmann::json& s) {
  for (const char* k : {"detected", "earliest_ms", "worst_ms", "error", "reason", "tolerated_outage_ms", "packets_before_give_up", "meets",
                        "neighbour"})
    EXPECT_TRUE(s.contains(k)) << k << " in " << s.dump();
  if (!s["neighbour"].is_null()) {
    for (const char* k : {"fails_from_ms", "why", "arp_wait_ms", "error", "earliest_ms", "worst_ms", "chains"})
      EXPECT_TRUE(s["neighbour"].contains(k)) << k << " in " << s["neighbour"].dump();
    EXPECT_LE(s["neighbour"]["worst_ms"].get<double>(), s["worst_ms"].get<double>());
  }
  EXPECT_TRUE(s["detected"].is_boolean());
  EXPECT_TRUE(s["meets"].is_boolean());
  if (s["detected"].get<bool>()) {
    EXPECT_TRUE(s["worst_ms"].is_number());
    EXPECT_LE(s["earliest_ms"].get<double>(), s["worst_ms"].get<double>());
  } else {
    EXPECT_TRUE(s["worst_ms"].is_null());
  }
}

void expect_candidate_schema(const nlohmann::json& c) {
  EXPECT_TRUE(c["settings"].is_object());
  EXPECT_TRUE(c["probes_per_hour"].is_number());
  expect_side_schema(c["idle"]);
  expect_side_schema(c["busy"]);
  EXPECT_TRUE(c.contains("tolerated_outage_ms"));
}
}  // namespace

TEST(AdviseDuration, UnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration_ms("10s", "--detect-within"), 10000);
  EXPECT_EQ(parse_duration_ms("500ms", "--detect-within"), 500);
  EXPECT_EQ(parse_duration_ms("2min", "--detect-within"), 120000);
  EXPECT_EQ(parse_duration_ms("1.5", "--detect-within"), 1500);
  EXPECT_EQ(parse_duration_ms("1h", "--detect-within"), 3600000);
  try {
    parse_duration_ms("10 parsecs", "--survive-outage");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--survive-outage"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_duration_ms("soon", "--detect-within"), InputError);
  EXPECT_THROW(parse_duration_ms("-3s", "--detect-within"), InputError);
}

TEST(AdviseRequest, AnOutageAsLongAsTheDeadlineIsRefused) {
  EXPECT_NE(request_problem(both(10000, 10000)).find("--survive-outage"), std::string::npos);
  EXPECT_NE(request_problem(both(500, 0)).find("--detect-within"), std::string::npos);
  EXPECT_EQ(request_problem(both(10000, 2000)), "");
}

TEST(AdviseJson, FollowsTheDocumentedSchema) {
  const Advice a = advice_for(both(10000, 2000));
  const nlohmann::json j = to_json(a);
  EXPECT_EQ(j["request"]["detect_within_ms"], 10000);
  EXPECT_EQ(j["request"]["survive_outage_ms"], 2000);
  EXPECT_EQ(j["request"]["traffic"], "both");
  EXPECT_EQ(j["request"]["scope"], "socket");
  EXPECT_TRUE(j["request"]["hz"].is_number_integer());
  EXPECT_TRUE(j["assumptions"]["round_trip_ms"].is_number());
  expect_candidate_schema(j["proposal"]);
  EXPECT_EQ(j["proposal"]["settings"]["SO_KEEPALIVE"], true);
  EXPECT_TRUE(j["proposal"]["settings"]["TCP_USER_TIMEOUT"].is_number_integer());
  EXPECT_TRUE(j["proposal"]["idle"]["meets"].get<bool>());
  EXPECT_TRUE(j["proposal"]["busy"]["meets"].get<bool>());
  EXPECT_LE(j["proposal"]["idle"]["worst_ms"].get<double>(), 10000);
  for (const auto& c : j["alternatives"]) expect_candidate_schema(c);
  ASSERT_FALSE(j["obvious_answers"].empty());
  for (const auto& o : j["obvious_answers"]) {
    expect_candidate_schema(o);
    EXPECT_TRUE(o["label"].is_string());
    EXPECT_TRUE(o["rule"].is_string());
    EXPECT_TRUE(o["holds"].is_boolean());
    EXPECT_TRUE(o["why"].is_array());
    EXPECT_EQ(o["holds"].get<bool>(), o["why"].empty());
  }
  EXPECT_FALSE(j["rules"].empty());
  for (const char* t : {"c", "python", "go", "java", "libpq", "postgresql", "redis", "sysctl"}) {
    EXPECT_TRUE(j["snippets"][t]["title"].is_string()) << t;
    EXPECT_TRUE(j["snippets"][t]["text"].is_string()) << t;
  }
  EXPECT_TRUE(j["search"]["model_calls"].is_number_integer());
  EXPECT_FALSE(j["search"]["budget_exhausted"].get<bool>());
}

TEST(AdviseJson, NoProposalIsNull) {
  Request r = both(1500, 0);
  r.traffic = Traffic::Idle;
  const nlohmann::json j = to_json(advice_for(r));
  EXPECT_TRUE(j["proposal"].is_null());
  EXPECT_TRUE(j["snippets"].empty());
}

TEST(AdviseObvious, AUserTimeoutAloneLeavesIdleConnectionsBlind) {
  const Request r = both(10000, 0);
  const auto answers = obvious_answers(r);
  auto ut = std::find_if(answers.begin(), answers.end(), [](const ObviousAnswer& a) { return a.label == "TCP_USER_TIMEOUT=10000 alone"; });
  ASSERT_NE(ut, answers.end());
  EXPECT_FALSE(ut->holds);
  EXPECT_FALSE(ut->eval.idle.detection.worst_ms);
  // Busy: counted from the first retransmission, so later than the 10 s it was set to.
  ASSERT_TRUE(ut->eval.busy.detection.earliest_ms);
  EXPECT_GT(*ut->eval.busy.detection.earliest_ms, 10000);
  ASSERT_EQ(ut->why.size(), 2u);
  EXPECT_EQ(ut->why[0].rfind("idle: never notices", 0), 0u) << ut->why[0];
  EXPECT_EQ(ut->why[1].rfind("busy: notices after", 0), 0u) << ut->why[1];
}

TEST(AdviseObvious, TheKeepaliveSumMissesByTheTimerWheel) {
  Request r = both(30000, 0);
  r.traffic = Traffic::Idle;
  for (const ObviousAnswer& a : obvious_answers(r)) {
    if (a.label.find("the deadline") == std::string::npos || a.settings.user_timeout_ms) continue;
    EXPECT_EQ(a.settings.keepidle_s + a.settings.keepintvl_s * a.settings.keepcnt, 30);
    EXPECT_FALSE(a.holds);
    EXPECT_GT(*a.eval.idle.detection.worst_ms, 30000);
  }
}

TEST(AdviseSnippets, CarryTheProposalsValues) {
  const Advice a = advice_for(both(10000, 2000));
  ASSERT_TRUE(a.search.proposal);
  const Settings& s = a.search.proposal->settings;
  auto text = [&](const std::string& target) {
    for (const Snippet& x : a.snippets)
      if (x.target == target) return x.text;
    return std::string();
  };
  EXPECT_NE(text("c").find("TCP_KEEPIDLE, &idle"), std::string::npos);
  EXPECT_NE(text("c").find("idle = " + std::to_string(s.keepidle_s)), std::string::npos);
  EXPECT_NE(text("python").find("TCP_USER_TIMEOUT, " + std::to_string(*s.user_timeout_ms)), std::string::npos);
  EXPECT_NE(text("go").find("Idle: " + std::to_string(s.keepidle_s) + " * time.Second"), std::string::npos);
  EXPECT_NE(text("java").find("TCP_KEEPINTERVAL, " + std::to_string(s.keepintvl_s)), std::string::npos);
  EXPECT_NE(text("java").find("no option for it"), std::string::npos);
  EXPECT_NE(text("libpq").find("tcp_user_timeout=" + std::to_string(*s.user_timeout_ms)), std::string::npos);
  EXPECT_NE(text("postgresql").find("tcp_keepalives_count = " + std::to_string(s.keepcnt)), std::string::npos);
  EXPECT_NE(text("redis").find("cannot set"), std::string::npos);
  EXPECT_NE(text("sysctl").find("TCP_USER_TIMEOUT has no sysctl"), std::string::npos);
}

TEST(AdviseSnippets, RedisValueMeetsTheIdleRequestAndOneMoreDoesNot) {
  const Request r = both(30000, 5000);
  const int n = redis_tcp_keepalive(r);
  ASSERT_GT(n, 0);
  EXPECT_TRUE(side_meets(evaluate_idle(redis_keepalive(n), r.hz), r));
  EXPECT_FALSE(side_meets(evaluate_idle(redis_keepalive(n + 1), r.hz), r));
}

TEST(AdviseText, ExplainsTheProposalAndTheRules) {
  const std::string t = to_text(advice_for(both(10000, 2000)));
  EXPECT_NE(t.find("Proposal:"), std::string::npos);
  EXPECT_NE(t.find("TCP_USER_TIMEOUT=10000 alone: fails"), std::string::npos);
  EXPECT_NE(t.find("Rules relied on"), std::string::npos);
  EXPECT_NE(t.find("setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT"), std::string::npos);
  // The 10 s chain ends before the neighbour entry can fail, and says so.
  EXPECT_NE(t.find("so the model's timers decide alone"), std::string::npos) << t;
}

TEST(AdviseText, ABusyChainPastTheNeighbourHorizonSaysWhatTheRevertDoes) {
  const Advice a = advice_for(both(120000, 30000));
  ASSERT_TRUE(a.search.proposal);
  const std::string t = to_text(a);
  EXPECT_NE(t.find("or EHOSTUNREACH once the neighbour entry has failed"), std::string::npos) << t;
  EXPECT_NE(t.find("tcp_ld_RTO_revert"), std::string::npos) << t;
  const nlohmann::json j = to_json(a);
  ASSERT_TRUE(j["proposal"]["busy"]["neighbour"].is_object()) << j["proposal"]["busy"].dump();
  EXPECT_TRUE(j["proposal"]["idle"]["neighbour"].is_null());
  EXPECT_EQ(j["proposal"]["busy"]["neighbour"]["error"], "EHOSTUNREACH");
  EXPECT_GE(j["proposal"]["busy"]["neighbour"]["chains"].get<int>(), 1);
}
