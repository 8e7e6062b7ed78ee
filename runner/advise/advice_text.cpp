#include "runner/advise/advice_text.hpp"

#include <cmath>
#include <cstdio>

namespace crashlab::runner::advise {

namespace {
std::string traffic_words(Traffic t) {
  return t == Traffic::Both ? "idle or busy" : traffic_name(t);
}

std::string cost_text(double per_hour) {
  if (per_hour == 0) return "no probes on a healthy connection";
  char b[64];
  std::snprintf(b, sizeof b, "%.0f probes per idle connection per hour", per_hour);
  return b;
}

void candidate_text(std::string& t, const Candidate& c, const Request& r, bool reasons) {
  t += "  " + settings_text(c.settings) + "\n";
  t += "    cost: " + cost_text(c.eval.probes_per_hour) + "\n";
  t += "    " + side_line("idle", c.eval.idle) + "\n";
  t += "    " + side_line("busy", c.eval.busy) + "\n";
  if (!reasons) return;
  if (r.wants_idle()) t += "    why idle: " + c.eval.idle.detection.reason + "\n";
  if (r.wants_busy()) t += "    why busy: " + c.eval.busy.detection.reason + "\n";
}
}  // namespace

std::string side_line(const char* name, const SideOutcome& o) {
  std::string t = std::string(name) + ": ";
  const Detection& d = o.detection;
  if (!d.worst_ms) return t + "never notices a dead peer";
  t += "notices " + seconds_text(*d.earliest_ms) + " to " + seconds_text(*d.worst_ms) + " after the crash (" + d.error;
  if (d.neighbour && d.neighbour->error != d.error) t += ", or " + d.neighbour->error + " once the neighbour entry has failed";
  t += ")";
  t += o.tolerated_ms ? "; survives outages up to " + seconds_text(*o.tolerated_ms) : "; survives any outage";
  return t;
}

std::string to_text(const Advice& a) {
  const Request& r = a.request;
  std::string t = "Detect a dead peer within " + duration_text(double(r.detect_within_ms)) + " on " + traffic_words(r.traffic) +
                  " connections";
  t += r.survive_outage_ms > 0 ? ", surviving a " + duration_text(double(r.survive_outage_ms)) + " outage" : "";
  t += std::string(", with ") + (r.scope == Scope::Socket ? "socket options" : "sysctls") + " (model, HZ=" +
       std::to_string(r.hz) + ", " + std::to_string(a.search.model_calls) + " settings evaluated).\n";
  if (r.survive_outage_ms == 0)
    t += "No --survive-outage: a single lost probe or retransmission may end a healthy connection.\n";
  t += "\n";
  if (!a.search.proposal) {
    t += "No setting searched meets this (keepalive works in whole seconds; a busy connection's first retransmission "
         "comes about 0.4 s after the send). Try a longer --detect-within or a shorter --survive-outage.\n";
  } else {
    t += "Proposal:\n";
    candidate_text(t, *a.search.proposal, r, true);
  }
  if (!a.search.alternatives.empty()) {
    t += "\nDearer, surviving longer outages:\n";
    for (const Candidate& c : a.search.alternatives) candidate_text(t, c, r, false);
  }
  t += "\nObvious answers:\n";
  for (const ObviousAnswer& o : a.obvious) {
    t += "  " + o.label + ": " + (o.holds ? "meets this request" : "fails") + "\n";
    for (const std::string& w : o.why) t += "    - " + w + "\n";
    if (!o.holds) t += "    rule: " + o.rule + "\n";
  }
  if (!a.rules.empty()) {
    t += "\nRules relied on (docs/model.md):\n";
    for (const std::string& rule : a.rules) t += "  - " + rule + "\n";
  }
  for (const Snippet& s : a.snippets) {
    t += "\n" + s.title + ":\n";
    for (size_t at = 0, nl; at < s.text.size(); at = nl + 1) {
      nl = s.text.find('\n', at);
      if (nl == std::string::npos) nl = s.text.size();
      t += "    " + s.text.substr(at, nl - at) + "\n";
    }
  }
  return t;
}

}  // namespace crashlab::runner::advise
