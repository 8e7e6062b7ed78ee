#include "runner/report/read.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "runner/report/egress.hpp"
#include "runner/report/format.hpp"
#include "runner/report/kinds.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner::report {
namespace {
using nlohmann::json;

// Result files write absent values as null: a null field counts as missing.
Fields object_at(const json& v, const std::string& file, const std::string& path) {
  return Fields(v, file, path, Fields::Nulls::Missing);
}

std::string clip(const std::string& s, size_t n) { return s.size() > n ? s.substr(0, n - 1) + "…" : s; }

// The predicted firings go onto the side's lane.
Prediction read_prediction(Fields p, Side& side) {
  Prediction pr;
  pr.detected = p.opt_number("detected_after_ms");
  pr.alternative = p.opt_number("alternative_detected_after_ms");
  pr.error = p.opt_string("error").value_or("");
  pr.reason = p.opt_string("reason").value_or("");
  pr.time_zero = p.opt_string("time_zero").value_or("");
  pr.late_max = p.opt_number("late_max_ms").value_or(0);
  if (const json* sched = p.opt_array("schedule")) {
    pr.has_schedule = !sched->empty();
    for (size_t i = 0; i < sched->size(); ++i) {
      Fields f = p.element("schedule", i);
      Mark m;
      m.predicted = true;
      m.kind = f.string("kind");
      m.t = f.number("at_ms");
      m.late_max = f.opt_number("late_max_ms").value_or(0);
      std::optional<double> n = f.opt_number("n");
      m.label = short_kind(m.kind) + (n ? " " + std::to_string(int(*n)) : "");
      m.title = "predicted " + m.kind + (n ? " #" + std::to_string(int(*n)) : "") + " at " + ms(m.t) +
                " (up to " + ms(m.late_max) + " late)";
      side.marks.push_back(m);
    }
  }
  return pr;
}

Side read_side(const std::string& role, Fields s) {
  Side side;
  side.role = role;
  side.connection = s.opt_string("connection").value_or("");
  side.error = s.opt_string("error").value_or("");
  side.alive = s.opt_bool("alive").value_or(true);
  side.detected = s.opt_number("detected_after_ms");
  if (const json* app = s.opt_array("app"))
    for (size_t i = 0; i < app->size(); ++i) side.app.push_back(s.string_element("app", i));
  if (const json* states = s.opt_array("states")) {
    for (size_t i = 0; i < states->size(); ++i) {
      Fields st = s.element("states", i);
      side.states.push_back({st.string("state"), st.number("after_fault_ms")});
    }
    std::stable_sort(side.states.begin(), side.states.end(),
                     [](const StateAt& a, const StateAt& b) { return a.t < b.t; });
  }
  if (s.has("predicted")) side.predicted = read_prediction(s.child("predicted"), side);
  return side;
}

// n > 0: the n-th firing of its kind on its side, numbered as the model numbers its schedule.
// unsent: why the segment never left its host, or "".
Mark event_mark(const Event& e, int n, const std::string& unsent) {
  Mark m;
  m.t = e.t;
  m.kind = e.kind;
  m.predicted = e.source == "model";
  m.unsent = unsent;
  static const std::set<std::string> with_detail = {"error_report", "app", "neighbour", "arp", "output", "exit"};
  bool detail_in_label = with_detail.count(e.kind) || short_kind(e.kind) == e.kind;
  std::string shown = e.kind == "reset_sent" && !unsent.empty() ? "RST" : short_kind(e.kind);
  m.label = clip(shown + (n > 0 ? " " + std::to_string(n) : "") +
                     (detail_in_label && !e.detail.empty() ? " " + e.detail : "") +
                     (unsent.empty() ? "" : " not sent: " + unsent),
                 34);
  m.title = e.kind + " at " + ms(e.t) + (e.detail.empty() ? "" : ": " + e.detail) +
            (e.source.empty() ? "" : " [" + e.source + "]") +
            (e.predicted ? ", predicted " + ms(*e.predicted) + " (" + signed_ms(e.t - *e.predicted) + ")" : "") +
            (unsent.empty() ? "" : "; never left the host (" + unsent + ": the fault cut its link first)");
  return m;
}

// The table's rows, and the marks on the lanes (or across them) for all but faults and states.
void read_timeline(Fields& top, Result& r) {
  const json* tl = top.opt_array("timeline");
  if (!tl) return;
  std::map<std::pair<std::string, std::string>, int> seen;  // (side, kind) -> firings so far
  for (size_t i = 0; i < tl->size(); ++i) {
    Fields e = top.element("timeline", i);
    Event ev;
    ev.t = e.number("t_ms");
    ev.kind = e.string("kind");
    ev.side = e.opt_string("side").value_or("");
    ev.detail = e.opt_string("detail").value_or("");
    ev.source = e.opt_string("source").value_or("");
    ev.predicted = e.opt_number("predicted_ms");
    r.timeline.push_back(ev);
    auto side = std::find_if(r.sides.begin(), r.sides.end(), [&](const Side& s) { return s.role == ev.side; });
    if (!ev.side.empty() && side == r.sides.end())
      e.fail("side", "'" + ev.side + "' is not one of this result's sides");
    if (ev.kind == "recovery") {  // drawn across the lanes, like the fault
      if (!r.recovered) r.recovered = ev.t;
      r.recovery_detail = ev.detail;
      continue;
    }
    if (ev.kind == "fault" || ev.kind == "state") continue;  // drawn as the fault line / the bands
    if (ev.side.empty()) {
      r.global.push_back(event_mark(ev, 0, ""));
      continue;
    }
    // The model's firings come from sides.<role>.predicted.schedule when it has one.
    if (ev.source == "model" && side->predicted && side->predicted->has_schedule) continue;
    bool numbered = is_firing(ev.kind) && ev.source != "model";
    bool observed = ev.source != "model" && emits_segment(ev.kind);
    side->marks.push_back(
        event_mark(ev, numbered ? ++seen[{ev.side, ev.kind}] : 0, observed ? unsent_reason(r, ev.side, ev.t) : ""));
  }
}

// The raw tracepoint lines ("<t_ns> <event...>"), shown as they are, timed from the fault.
void read_kernel_timeline(const json& j, Result& r) {
  const json* kt = j.contains("kernel_timeline") ? &j.at("kernel_timeline") : nullptr;
  const json* ft = j.contains("fault") && j.at("fault").is_object() && j.at("fault").contains("t_ns") ? &j.at("fault").at("t_ns") : nullptr;
  if (kt && kt->is_array())
    for (const auto& line : *kt) {
      if (!line.is_string()) continue;
      std::string s = line.get<std::string>();
      size_t sp = s.find(' ');
      if (ft && ft->is_number_integer() && sp != std::string::npos && sp > 0 &&
          s.find_first_not_of("0123456789") == sp)
        s = fixed(double(std::stoll(s.substr(0, sp)) - ft->get<int64_t>()) / 1e6, 3) + " ms " + s.substr(sp + 1);
      r.raw_kernel.push_back(s);
    }
}

Verdict read_verdict(Fields& top) {
  std::set<std::string> names;
  for (Verdict v : kVerdicts) names.insert(verdict_name(v));
  return verdict_named(top.string("verdict", names)).value_or(Verdict::Error);
}

}  // namespace

Result read_result(const json& j, const std::string& file) {
  Fields top = object_at(j, file, "");
  Result r;
  r.file = file;
  r.name = top.string("case");
  r.verdict = read_verdict(top);
  if (const json* set = top.opt_array("set"))
    for (size_t i = 0; i < set->size(); ++i) r.set.push_back(top.string_element("set", i));
  r.description = top.opt_string("description").value_or("");
  r.error = top.opt_string("error").value_or("");
  r.duration = top.opt_number("duration_ms");
  if (top.has("fault")) {
    Fields f = top.child("fault");
    r.fault_type = f.opt_string("type").value_or("");
    r.fault_target = f.opt_string("target").value_or("");
    r.recovered = f.opt_number("recovered_after_ms");
  }
  if (top.has("environment")) {
    Fields env = top.child("environment");
    r.kernel = env.opt_string("kernel").value_or("");
    if (env.has("observer")) {
      Fields o = env.child("observer");
      r.observer = o.opt_string("name").value_or("");
      r.resolution = o.opt_string("resolution").value_or("");
      r.note = o.opt_string("note").value_or("");
    }
  }
  Fields sides = top.child("sides");
  std::vector<std::string> roles;  // server, client, then any other
  for (const char* known : {"server", "client"})
    if (sides.has(known)) roles.push_back(known);
  for (const auto& [role, _] : sides.raw().items())
    if (role != "server" && role != "client") roles.push_back(role);
  for (const auto& role : roles) r.sides.push_back(read_side(role, sides.child(role)));
  read_timeline(top, r);
  if (const json* fl = top.opt_array("failures")) {
    for (size_t i = 0; i < fl->size(); ++i) {
      const json& f = top.element("failures", i).raw();
      auto text = [&](const char* k) {
        const json* v = f.contains(k) ? &f.at(k) : nullptr;
        return !v || v->is_null() ? std::string() : v->is_string() ? v->get<std::string>() : v->dump();
      };
      const bool excused = f.contains("explained_by_distortion") && f.at("explained_by_distortion") == true;
      r.failures.push_back({text("side"), text("field"), text("expected"), text("seen"),
                            excused ? "not judged: a distortion of this run can have caused it" : ""});
    }
  }
  read_kernel_timeline(j, r);
  return r;
}

}  // namespace crashlab::runner::report
