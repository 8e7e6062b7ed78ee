#include "runner/advise/advice_json.hpp"

#include <cmath>

namespace crashlab::runner::advise {

namespace {
nlohmann::json ms(const std::optional<double>& v) {
  return v ? nlohmann::json(std::round(*v * 10) / 10) : nlohmann::json(nullptr);
}

nlohmann::json request_json(const Request& r) {
  return {{"detect_within_ms", r.detect_within_ms},
          {"survive_outage_ms", r.survive_outage_ms},
          {"traffic", traffic_name(r.traffic)},
          {"scope", scope_name(r.scope)},
          {"hz", r.hz}};
}
nlohmann::json neighbour_json(const std::optional<NeighbourFailureRisk>& n) {
  if (!n) return nullptr;
  return {{"fails_from_ms", ms(n->fails_from_ms)},
          {"why", n->why},
          {"arp_wait_ms", ms(n->arp_wait_ms)},
          {"error", n->error},
          {"earliest_ms", ms(n->earliest_ms)},
          {"worst_ms", ms(n->worst_ms)},
          {"chains", n->chains}};
}
}  // namespace

nlohmann::json side_json(const SideOutcome& o, const Request& r) {
  return {{"detected", o.detection.worst_ms.has_value()},
          {"earliest_ms", ms(o.detection.earliest_ms)},
          {"worst_ms", ms(o.detection.worst_ms)},
          {"error", o.detection.error},
          {"reason", o.detection.reason},
          {"tolerated_outage_ms", ms(o.tolerated_ms)},
          {"packets_before_give_up", o.probes},
          {"meets", side_meets(o, r)},
          {"neighbour", neighbour_json(o.detection.neighbour)}};
}

nlohmann::json candidate_json(const Candidate& c, const Request& r) {
  return {{"settings", settings_json(c.settings)},
          {"probes_per_hour", std::round(c.eval.probes_per_hour * 10) / 10},
          {"idle", side_json(c.eval.idle, r)},
          {"busy", side_json(c.eval.busy, r)},
          {"tolerated_outage_ms", ms(tolerated_ms(c.eval, r))}};
}

nlohmann::json to_json(const Advice& a) {
  const Request& r = a.request;
  nlohmann::json j;
  j["request"] = request_json(r);
  j["assumptions"] = {{"round_trip_ms", assumed_round_trip_ms()},
                      {"idle_time_zero", "the last segment received (the crash right after it)"},
                      {"busy_time_zero", "the first unacknowledged send (the crash as it is sent)"}};
  j["proposal"] = a.search.proposal ? candidate_json(*a.search.proposal, r) : nlohmann::json(nullptr);
  j["alternatives"] = nlohmann::json::array();
  for (const Candidate& c : a.search.alternatives) j["alternatives"].push_back(candidate_json(c, r));
  j["obvious_answers"] = nlohmann::json::array();
  for (const ObviousAnswer& o : a.obvious) {
    nlohmann::json x = candidate_json({o.settings, o.eval}, r);
    x["label"] = o.label;
    x["rule"] = o.rule;
    x["holds"] = o.holds;
    x["why"] = o.why;
    j["obvious_answers"].push_back(std::move(x));
  }
  j["rules"] = a.rules;
  j["snippets"] = nlohmann::json::object();
  for (const Snippet& s : a.snippets) j["snippets"][s.target] = {{"title", s.title}, {"text", s.text}};
  j["search"] = {{"model_calls", a.search.model_calls},
                 {"budget_exhausted", a.search.budget_exhausted},
                 {"keepalive_step_s", a.search.keepalive_step_s},
                 {"user_timeout_step_ms", a.search.user_timeout_step_ms}};
  return j;
}

}  // namespace crashlab::runner::advise
