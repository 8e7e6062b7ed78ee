#include "runner/report/read.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "runner/report/format.hpp"
#include "runner/report/kinds.hpp"

namespace crashlab::report {
namespace {
using nlohmann::json;

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }
std::string at(const std::string& a, size_t i) { return a + "[" + std::to_string(i) + "]"; }

// Every error names the file and the field.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw std::invalid_argument(file_ + ": " + field + ": " + why);
  }
  std::string got(const json& v) const {
    std::string d = v.dump();
    return d.size() > 60 ? d.substr(0, 57) + "..." : d;
  }
  const json* opt(const json& obj, const std::string& key) const {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  const json& need(const json& obj, const std::string& key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) fail(path, "missing");
    return *it;
  }
  std::string str(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "must be a string, got " + got(v));
    return v.get<std::string>();
  }
  double num(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "must be a number, got " + got(v));
    return v.get<double>();
  }
  const json& object(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "must be an object, got " + got(v));
    return v;
  }
  const json& array(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, "must be an array, got " + got(v));
    return v;
  }
  // obj.key, which must be there; path is obj's.
  std::string need_str(const json& obj, const std::string& key, const std::string& path) const {
    return str(need(obj, key, join(path, key)), join(path, key));
  }
  double need_num(const json& obj, const std::string& key, const std::string& path) const {
    return num(need(obj, key, join(path, key)), join(path, key));
  }
  std::string opt_str(const json& obj, const std::string& key, const std::string& path) const {
    const json* v = opt(obj, key);
    return v ? str(*v, join(path, key)) : "";
  }
  std::optional<double> opt_num(const json& obj, const std::string& key, const std::string& path) const {
    const json* v = opt(obj, key);
    if (!v) return std::nullopt;
    return num(*v, join(path, key));
  }

 private:
  std::string file_;
};

std::string clip(const std::string& s, size_t n) { return s.size() > n ? s.substr(0, n - 1) + "…" : s; }

// The predicted firings go onto the side's lane.
Prediction read_prediction(const Reader& rd, const json& p, const std::string& path, Side& side) {
  rd.object(p, path);
  Prediction pr;
  pr.detected = rd.opt_num(p, "detected_after_ms", path);
  pr.alternative = rd.opt_num(p, "alternative_detected_after_ms", path);
  pr.error = rd.opt_str(p, "error", path);
  pr.reason = rd.opt_str(p, "reason", path);
  pr.time_zero = rd.opt_str(p, "time_zero", path);
  pr.late_max = rd.opt_num(p, "late_max_ms", path).value_or(0);
  if (const json* sched = rd.opt(p, "schedule")) {
    std::string sp = join(path, "schedule");
    rd.array(*sched, sp);
    pr.has_schedule = !sched->empty();
    for (size_t i = 0; i < sched->size(); ++i) {
      const json& f = rd.object((*sched)[i], at(sp, i));
      Mark m;
      m.predicted = true;
      m.kind = rd.need_str(f, "kind", at(sp, i));
      m.t = rd.need_num(f, "at_ms", at(sp, i));
      m.late_max = rd.opt_num(f, "late_max_ms", at(sp, i)).value_or(0);
      std::optional<double> n = rd.opt_num(f, "n", at(sp, i));
      m.label = short_kind(m.kind) + (n ? " " + std::to_string(int(*n)) : "");
      m.title = "predicted " + m.kind + (n ? " #" + std::to_string(int(*n)) : "") + " at " + ms(m.t) +
                " (up to " + ms(m.late_max) + " late)";
      side.marks.push_back(m);
    }
  }
  return pr;
}

Side read_side(const Reader& rd, const std::string& role, const json& s, const std::string& path) {
  rd.object(s, path);
  Side side;
  side.role = role;
  side.connection = rd.opt_str(s, "connection", path);
  side.error = rd.opt_str(s, "error", path);
  if (const json* a = rd.opt(s, "alive")) {
    if (!a->is_boolean()) rd.fail(join(path, "alive"), "must be true or false, got " + rd.got(*a));
    side.alive = a->get<bool>();
  }
  side.detected = rd.opt_num(s, "detected_after_ms", path);
  if (const json* app = rd.opt(s, "app"))
    for (size_t i = 0; i < rd.array(*app, join(path, "app")).size(); ++i)
      side.app.push_back(rd.str((*app)[i], at(join(path, "app"), i)));
  if (const json* states = rd.opt(s, "states")) {
    std::string sp = join(path, "states");
    rd.array(*states, sp);
    for (size_t i = 0; i < states->size(); ++i) {
      const json& st = rd.object((*states)[i], at(sp, i));
      side.states.push_back({rd.need_str(st, "state", at(sp, i)), rd.need_num(st, "after_fault_ms", at(sp, i))});
    }
    std::stable_sort(side.states.begin(), side.states.end(),
                     [](const StateAt& a, const StateAt& b) { return a.t < b.t; });
  }
  if (const json* p = rd.opt(s, "predicted")) side.predicted = read_prediction(rd, *p, join(path, "predicted"), side);
  return side;
}

// n > 0: the n-th firing of its kind on its side, numbered as the model numbers its schedule.
Mark event_mark(const Event& e, int n) {
  Mark m;
  m.t = e.t;
  m.kind = e.kind;
  m.predicted = e.source == "model";
  bool detail_in_label = e.kind == "error_report" || e.kind == "app" || short_kind(e.kind) == e.kind;
  m.label = clip(short_kind(e.kind) + (n > 0 ? " " + std::to_string(n) : "") +
                     (detail_in_label && !e.detail.empty() ? " " + e.detail : ""),
                 28);
  m.title = e.kind + " at " + ms(e.t) + (e.detail.empty() ? "" : ": " + e.detail) +
            (e.source.empty() ? "" : " [" + e.source + "]") +
            (e.predicted ? ", predicted " + ms(*e.predicted) + " (" + signed_ms(e.t - *e.predicted) + ")" : "");
  return m;
}

// The table's rows, and the marks on the lanes (or across them) for all but faults and states.
void read_timeline(const Reader& rd, const json& tl, Result& r) {
  rd.array(tl, "timeline");
  static const std::set<std::string> firings = {"retransmit", "tail_loss_probe", "keepalive_probe", "syn_retransmit"};
  std::map<std::pair<std::string, std::string>, int> seen;  // (side, kind) -> firings so far
  for (size_t i = 0; i < tl.size(); ++i) {
    std::string p = at("timeline", i);
    const json& e = rd.object(tl[i], p);
    Event ev;
    ev.t = rd.need_num(e, "t_ms", p);
    ev.kind = rd.need_str(e, "kind", p);
    ev.side = rd.opt_str(e, "side", p);
    ev.detail = rd.opt_str(e, "detail", p);
    ev.source = rd.opt_str(e, "source", p);
    ev.predicted = rd.opt_num(e, "predicted_ms", p);
    r.timeline.push_back(ev);
    auto side = std::find_if(r.sides.begin(), r.sides.end(), [&](const Side& s) { return s.role == ev.side; });
    if (!ev.side.empty() && side == r.sides.end())
      rd.fail(join(p, "side"), "'" + ev.side + "' is not one of this result's sides");
    if (ev.kind == "recovery") {  // drawn across the lanes, like the fault
      if (!r.recovered) r.recovered = ev.t;
      r.recovery_detail = ev.detail;
      continue;
    }
    if (ev.kind == "fault" || ev.kind == "state") continue;  // drawn as the fault line / the bands
    if (ev.side.empty()) {
      r.global.push_back(event_mark(ev, 0));
      continue;
    }
    // The model's firings come from sides.<role>.predicted.schedule when it has one.
    if (ev.source == "model" && side->predicted && side->predicted->has_schedule) continue;
    bool numbered = firings.count(ev.kind) && ev.source != "model";
    side->marks.push_back(event_mark(ev, numbered ? ++seen[{ev.side, ev.kind}] : 0));
  }
}

// The raw tracepoint lines ("<t_ns> <event...>"), shown as they are, timed from the fault.
void read_kernel_timeline(const Reader& rd, const json& j, Result& r) {
  const json* kt = rd.opt(j, "kernel_timeline");
  const json* ft = rd.opt(j, "fault") ? rd.opt(j.at("fault"), "t_ns") : nullptr;
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

}  // namespace

Result read_result(const json& j, const std::string& file) {
  Reader rd(file);
  if (!j.is_object()) rd.fail("top level", "must be an object, got " + rd.got(j));
  Result r;
  r.file = file;
  r.name = rd.need_str(j, "case", "");
  r.verdict = rd.need_str(j, "verdict", "");
  r.description = rd.opt_str(j, "description", "");
  r.error = rd.opt_str(j, "error", "");
  r.duration = rd.opt_num(j, "duration_ms", "");
  if (const json* f = rd.opt(j, "fault")) {
    rd.object(*f, "fault");
    r.fault_type = rd.opt_str(*f, "type", "fault");
    r.fault_target = rd.opt_str(*f, "target", "fault");
    r.recovered = rd.opt_num(*f, "recovered_after_ms", "fault");
  }
  if (const json* env = rd.opt(j, "environment")) {
    rd.object(*env, "environment");
    r.kernel = rd.opt_str(*env, "kernel", "environment");
    if (const json* o = rd.opt(*env, "observer")) {
      rd.object(*o, "environment.observer");
      r.observer = rd.opt_str(*o, "name", "environment.observer");
      r.resolution = rd.opt_str(*o, "resolution", "environment.observer");
      r.note = rd.opt_str(*o, "note", "environment.observer");
    }
  }
  const json& sides = rd.object(rd.need(j, "sides", "sides"), "sides");
  std::vector<std::string> roles;  // server, client, then any other
  for (const char* known : {"server", "client"})
    if (sides.contains(known)) roles.push_back(known);
  for (const auto& [role, _] : sides.items())
    if (role != "server" && role != "client") roles.push_back(role);
  for (const auto& role : roles) r.sides.push_back(read_side(rd, role, sides.at(role), "sides." + role));
  if (const json* tl = rd.opt(j, "timeline")) read_timeline(rd, *tl, r);
  if (const json* fl = rd.opt(j, "failures")) {
    rd.array(*fl, "failures");
    for (size_t i = 0; i < fl->size(); ++i) {
      const json& f = rd.object((*fl)[i], at("failures", i));
      auto text = [&](const char* k) {
        const json* v = rd.opt(f, k);
        return !v ? std::string() : v->is_string() ? v->get<std::string>() : v->dump();
      };
      r.failures.push_back({text("side"), text("field"), text("expected"), text("seen")});
    }
  }
  read_kernel_timeline(rd, j, r);
  return r;
}

}  // namespace crashlab::report
