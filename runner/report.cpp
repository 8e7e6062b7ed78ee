#include "runner/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace crashlab {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

// ---- text ------------------------------------------------------------------

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string fixed(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// Milliseconds with the precision that suits the size: 0.508 ms, 12.35 ms, 6638.5 ms.
std::string ms(double v) {
  double a = std::fabs(v);
  return fixed(v, a < 1 ? 3 : a < 100 ? 2 : 1) + " ms";
}
std::string signed_ms(double v) { return (v >= 0 ? "+" : "") + ms(v); }
std::string opt_ms(const std::optional<double>& v, const std::string& none) { return v ? ms(*v) : none; }

// Rough width of 11px sans-serif text; used only to keep labels apart.
double text_w(const std::string& s) { return 6.3 * double(s.size()); }

// ---- the result, read and checked ----------------------------------------------

struct StateAt {
  std::string state;
  double t;
};
struct Mark {  // one tick on a lane
  double t;
  std::string kind, label, title;
  bool predicted = false;
  double late_max = 0;  // predicted firings: the kernel may fire up to this much later
};
struct Prediction {
  std::optional<double> detected, alternative;
  double late_max = 0;  // the detection may come up to this much later
  std::string error, reason, time_zero;
  bool has_schedule = false;
};
struct Side {
  std::string role, connection, error;
  bool alive = true;
  std::vector<StateAt> states;
  std::vector<std::string> app;
  std::optional<double> detected;
  std::optional<Prediction> predicted;
  std::vector<Mark> marks;
};
struct Event {
  double t;
  std::string side, kind, detail, source;
  std::optional<double> predicted;
};
struct Result {
  std::string file, name, description, verdict, error, fault_type, fault_target;
  std::string kernel, observer, resolution, note;
  std::optional<double> duration, recovered;  // recovered: the reboot or heal, after the fault
  std::string recovery_detail;
  std::vector<Side> sides;
  std::vector<Mark> global;  // timeline events that belong to no side
  std::vector<Event> timeline;
  std::vector<std::array<std::string, 4>> failures;  // side, field, expected, seen
  std::vector<std::string> raw_kernel;                // kernel_timeline, times made relative
};

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

std::string short_kind(const std::string& kind) {
  static const std::map<std::string, std::string> names = {
      {"retransmit", "RTO"}, {"tail_loss_probe", "TLP"}, {"keepalive_probe", "KA"},
      {"syn_retransmit", "SYN"}, {"reset_sent", "RST out"}, {"reset_received", "RST in"},
      {"error_report", "err"}, {"app", "app"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}

std::string clip(const std::string& s, size_t n) { return s.size() > n ? s.substr(0, n - 1) + "…" : s; }

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
      m.kind = rd.str(rd.need(f, "kind", join(at(sp, i), "kind")), join(at(sp, i), "kind"));
      m.t = rd.num(rd.need(f, "at_ms", join(at(sp, i), "at_ms")), join(at(sp, i), "at_ms"));
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
      side.states.push_back({rd.str(rd.need(st, "state", join(at(sp, i), "state")), join(at(sp, i), "state")),
                             rd.num(rd.need(st, "after_fault_ms", join(at(sp, i), "after_fault_ms")),
                                    join(at(sp, i), "after_fault_ms"))});
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

void read_timeline(const Reader& rd, const json& tl, Result& r) {
  rd.array(tl, "timeline");
  static const std::set<std::string> firings = {"retransmit", "tail_loss_probe", "keepalive_probe", "syn_retransmit"};
  std::map<std::pair<std::string, std::string>, int> seen;  // (side, kind) -> firings so far
  for (size_t i = 0; i < tl.size(); ++i) {
    std::string p = at("timeline", i);
    const json& e = rd.object(tl[i], p);
    Event ev;
    ev.t = rd.num(rd.need(e, "t_ms", join(p, "t_ms")), join(p, "t_ms"));
    ev.kind = rd.str(rd.need(e, "kind", join(p, "kind")), join(p, "kind"));
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

Result read_result(const json& j, const std::string& file) {
  Reader rd(file);
  if (!j.is_object()) rd.fail("top level", "must be an object, got " + rd.got(j));
  Result r;
  r.file = file;
  r.name = rd.str(rd.need(j, "case", "case"), "case");
  r.verdict = rd.str(rd.need(j, "verdict", "verdict"), "verdict");
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
  std::vector<std::string> roles;
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
  // The raw tracepoint lines ("<t_ns> <event...>"), shown as they are, timed from the fault.
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
  return r;
}

// ---- the SVG timeline ------------------------------------------------------------

std::string state_colour(const std::string& s) {
  static const std::map<std::string, std::string> c = {
      {"ESTABLISHED", "#66bb6a"}, {"SYN_SENT", "#4fc3f7"},  {"SYN_RECV", "#81d4fa"},
      {"LISTEN", "#b3e5fc"},      {"FIN_WAIT1", "#ffa726"}, {"FIN_WAIT2", "#ffcc80"},
      {"CLOSE_WAIT", "#ba68c8"},  {"LAST_ACK", "#e1bee7"},  {"CLOSING", "#f48fb1"},
      {"TIME_WAIT", "#90a4ae"},   {"CLOSE", "#d6d6d6"}};
  auto it = c.find(s);
  return it == c.end() ? "#eeeeee" : it->second;
}

std::string kind_colour(const std::string& k) {
  static const std::map<std::string, std::string> c = {
      {"retransmit", "#d32f2f"},     {"tail_loss_probe", "#ef6c00"}, {"keepalive_probe", "#1565c0"},
      {"syn_retransmit", "#6a1b9a"}, {"reset_sent", "#212121"},      {"reset_received", "#212121"},
      {"error_report", "#c2185b"},   {"app", "#00796b"}};
  auto it = c.find(k);
  return it == c.end() ? "#616161" : it->second;
}

struct Panel {
  double t0, t1;
  std::string name;  // "" for the whole window, "A", "B"... for details
  int parent = -1;
};

// Vertical layout of one lane, from its top.
constexpr double kW = 1320, kLeft = 118, kRight = 28, kRow = 13;
constexpr int kObsRows = 3, kPredRows = 2, kTopRows = 2;
constexpr double kTickH = 16, kBandH = 22;
constexpr double kBandTop = kObsRows * kRow + kTickH + 4;
constexpr double kBandBottom = kBandTop + kBandH;
constexpr double kLaneH = kBandBottom + kTickH + kPredRows * kRow + 12;
constexpr double kTop = kTopRows * kRow + 8;

// Greedy rows: each label goes into the first row where it touches no other label.
class Rows {
 public:
  explicit Rows(int n) : rows_(n) {}
  int place(double x0, double x1) {
    for (size_t i = 0; i < rows_.size(); ++i) {
      auto& row = rows_[i];
      if (std::none_of(row.begin(), row.end(), [&](auto& r) { return x0 < r.second + 4 && r.first < x1 + 4; })) {
        row.emplace_back(x0, x1);
        return int(i);
      }
    }
    return -1;  // no room: the tick stays, its tooltip carries the text
  }

 private:
  std::vector<std::vector<std::pair<double, double>>> rows_;
};

class Svg {
 public:
  explicit Svg(const Panel& p) : p_(p) {}
  double x(double t) const { return kLeft + (t - p_.t0) / (p_.t1 - p_.t0) * (kW - kLeft - kRight); }
  bool in(double t) const { return t >= p_.t0 && t <= p_.t1; }
  std::ostringstream o;

  // A label at x, right of it unless that runs off the picture; left out when no row is free.
  void label(Rows& rows, double xx, double row0_y, double dir, const std::string& text, const std::string& cls) {
    double w = text_w(text);
    bool left = xx + 3 + w > kW - 4;
    double x0 = left ? xx - 3 - w : xx + 3;
    int row = rows.place(x0, x0 + w);
    if (row < 0) return;
    o << "<text class=\"" << cls << "\" x=\"" << fixed(left ? xx - 3 : xx + 3, 1) << "\" y=\""
      << fixed(row0_y + dir * row * kRow, 1) << "\"" << (left ? " text-anchor=\"end\"" : "") << ">" << esc(text)
      << "</text>";
  }

 private:
  const Panel& p_;
};

std::string diamond(double x, double y, const std::string& cls) {
  return "<path class=\"" + cls + "\" d=\"M" + fixed(x, 1) + " " + fixed(y - 7, 1) + " l6 7 l-6 7 l-6 -7 z\"/>";
}

void draw_bands(Svg& g, const Side& s, double y, double t_end) {
  for (size_t i = 0; i < s.states.size(); ++i) {
    double a = s.states[i].t, b = i + 1 < s.states.size() ? s.states[i + 1].t : t_end;
    double x0 = std::max(g.x(a), kLeft), x1 = std::min(g.x(b), kW - kRight);
    if (x1 <= x0) continue;
    const std::string& st = s.states[i].state;
    g.o << "<rect class=\"band state-" << esc(st) << "\" x=\"" << fixed(x0, 2) << "\" y=\"" << fixed(y + kBandTop, 1)
        << "\" width=\"" << fixed(std::max(x1 - x0, 0.8), 2) << "\" height=\"" << kBandH << "\" fill=\""
        << state_colour(st) << "\"><title>" << esc(s.role + " " + st + " from " + ms(a)) << "</title></rect>";
    if (x1 - x0 > text_w(st) + 8)
      g.o << "<text class=\"band-label\" x=\"" << fixed(x0 + 4, 1) << "\" y=\"" << fixed(y + kBandTop + 15, 1)
          << "\">" << esc(st) << "</text>";
  }
}

void draw_marks(Svg& g, const Side& s, double y, Rows& above, Rows& below) {
  for (const Mark& m : s.marks) {
    if (!g.in(m.t)) continue;
    double x = g.x(m.t);
    std::string col = kind_colour(m.kind), xs = fixed(x, 2);
    if (!m.predicted) {
      double top = y + kBandTop - kTickH;
      g.o << "<g class=\"obs-tick kind-" << esc(m.kind) << "\"><title>" << esc(s.role + ": " + m.title)
          << "</title><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << fixed(y + kBandBottom, 1) << "\" y2=\""
          << fixed(top, 1) << "\" stroke=\"" << col << "\" stroke-width=\"2\"/>";
      if (m.kind == "reset_sent" || m.kind == "reset_received") {  // triangle: up = sent, down = received
        bool sent = m.kind == "reset_sent";
        g.o << "<path d=\"M" << fixed(x - 4, 1) << " " << fixed(sent ? top : top - 7, 1) << " l8 0 l-4 "
            << (sent ? "-7" : "7") << " z\" fill=\"" << col << "\"/>";
      } else {
        g.o << "<circle cx=\"" << xs << "\" cy=\"" << fixed(top, 1) << "\" r=\"3\" fill=\"" << col << "\"/>";
      }
      g.o << "</g>";
      g.label(above, x, y + kBandTop - kTickH - 6, -1, m.label, "tick-label");
    } else {
      double bot = y + kBandBottom + kTickH;
      g.o << "<g class=\"pred-tick kind-" << esc(m.kind) << "\"><title>" << esc(s.role + ": " + m.title) << "</title>";
      if (m.late_max > 0)  // the window in which the kernel may really fire
        g.o << "<rect x=\"" << xs << "\" y=\"" << fixed(bot - 2, 1) << "\" width=\""
            << fixed(std::max(std::min(g.x(m.t + m.late_max), kW - kRight) - x, 1.0), 2) << "\" height=\"4\" fill=\"" << col
            << "\" fill-opacity=\"0.25\"/>";
      g.o << "<line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << fixed(y + kBandTop, 1) << "\" y2=\""
          << fixed(bot, 1) << "\" stroke=\"" << col << "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
          << "<circle cx=\"" << xs << "\" cy=\"" << fixed(bot, 1) << "\" r=\"3.5\" fill=\"white\" stroke=\"" << col
          << "\" stroke-width=\"1.5\"/></g>";
      g.label(below, x, bot + 12, 1, m.label, "tick-label pred");
    }
  }
}

void draw_detection(Svg& g, const Side& s, double y, Rows& above, Rows& below) {
  double mid = y + kBandTop + kBandH / 2;
  if (s.detected && g.in(*s.detected)) {
    double x = g.x(*s.detected);
    std::string xs = fixed(x, 2), text = "detected " + (s.error.empty() ? "" : s.error + " ") + ms(*s.detected);
    g.o << "<g class=\"detect\"><title>" << esc(s.role + " " + text) << "</title><line x1=\"" << xs << "\" x2=\""
        << xs << "\" y1=\"" << fixed(y + 4, 1) << "\" y2=\"" << fixed(y + kBandBottom + 4, 1)
        << "\" stroke=\"#000\" stroke-width=\"2\"/>" << diamond(x, mid, "detect-mark") << "</g>";
    g.label(above, x, y + kBandTop - kTickH - 6, -1, text, "detect-label");
  }
  if (s.predicted && s.predicted->detected && g.in(*s.predicted->detected)) {
    double x = g.x(*s.predicted->detected);
    std::string xs = fixed(x, 2),
                text = "predicted " + (s.predicted->error.empty() ? "" : s.predicted->error + " ") +
                       ms(*s.predicted->detected);
    g.o << "<g class=\"pred-detect\"><title>" << esc(s.role + " " + text) << "</title><line x1=\"" << xs
        << "\" x2=\"" << xs << "\" y1=\"" << fixed(y + kBandTop - 4, 1) << "\" y2=\""
        << fixed(y + kBandBottom + kTickH + 4, 1) << "\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
        << diamond(x, mid, "pred-detect-mark");
    if (s.predicted->late_max > 0)
      g.o << "<rect x=\"" << xs << "\" y=\"" << fixed(y + kBandBottom + kTickH - 2, 1) << "\" width=\""
          << fixed(std::max(std::min(g.x(*s.predicted->detected + s.predicted->late_max), kW - kRight) - x, 1.0), 2)
          << "\" height=\"4\" fill=\"#000\" fill-opacity=\"0.2\"/>";
    g.o << "</g>";
    g.label(below, x, y + kBandBottom + kTickH + 12, 1, text, "detect-label pred");
  }
}

void draw_axis(Svg& g, const Panel& p, double y) {
  double span = p.t1 - p.t0, raw = span / ((kW - kLeft - kRight) / 95);
  double mag = std::pow(10, std::floor(std::log10(raw))), step = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw) {
      step = f * mag;
      break;
    }
  int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  g.o << "<line class=\"axis\" x1=\"" << kLeft << "\" x2=\"" << kW - kRight << "\" y1=\"" << y << "\" y2=\"" << y
      << "\" stroke=\"#444\"/>";
  for (double t = std::ceil(p.t0 / step) * step; t <= p.t1 + step * 1e-9; t += step) {
    double tt = std::fabs(t) < step * 1e-6 ? 0 : t;
    std::string label = step >= 1000 ? fixed(tt / 1000, std::max(0, decimals - 3)) + " s" : fixed(tt, decimals) + " ms";
    std::string xs = fixed(g.x(tt), 2);
    g.o << "<line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << kTop - 4 << "\" y2=\"" << y + 4
        << "\" stroke=\"#000\" stroke-opacity=\"0.07\"/><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << y
        << "\" y2=\"" << y + 5 << "\" stroke=\"#444\"/><text class=\"axis-label\" x=\"" << xs << "\" y=\"" << y + 17
        << "\" text-anchor=\"middle\">" << esc(label) << "</text>";
  }
}

// Every time at which the picture draws something.
std::vector<double> drawn_times(const Result& r) {
  std::vector<double> ts{0};
  for (const Side& s : r.sides) {
    // A band's start before the fault is just where the picture begins: it does not crowd anything.
    for (size_t i = 0; i < s.states.size(); ++i)
      if (i > 0 || s.states[i].t >= 0) ts.push_back(s.states[i].t);
    for (const auto& m : s.marks) ts.push_back(m.t);
    if (s.detected) ts.push_back(*s.detected);
    if (s.predicted && s.predicted->detected) ts.push_back(*s.predicted->detected);
  }
  for (const auto& m : r.global) ts.push_back(m.t);
  if (r.recovered) ts.push_back(*r.recovered);
  std::sort(ts.begin(), ts.end());
  return ts;
}

std::string draw_panel(const Result& r, const std::vector<Panel>& panels, size_t idx, double t_end) {
  const Panel& p = panels[idx];
  Svg g(p);
  double lanes_h = kLaneH * double(r.sides.size()), axis_y = kTop + lanes_h + 6, h = axis_y + 26;
  g.o << "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << h
      << "\" viewBox=\"0 0 " << kW << " " << h << "\" font-family=\"sans-serif\" font-size=\"11\">";
  Rows top(kTopRows);
  // Where the detail panels of this one are.
  for (size_t i = 0; i < panels.size(); ++i) {
    if (panels[i].parent != int(idx)) continue;
    double x0 = g.x(panels[i].t0), x1 = std::max(g.x(panels[i].t1), x0 + 5);
    g.o << "<rect class=\"detail-zone\" x=\"" << fixed(x0 - 1, 1) << "\" y=\"" << kTop - 4 << "\" width=\""
        << fixed(x1 - x0 + 2, 1) << "\" height=\"" << lanes_h + 10
        << "\" fill=\"#3949ab\" fill-opacity=\"0.07\" stroke=\"#3949ab\" stroke-dasharray=\"2 2\"/>";
    g.label(top, x0, kRow, 1, "detail " + panels[i].name, "detail-label");
  }
  for (size_t i = 0; i < r.sides.size(); ++i) {
    const Side& s = r.sides[i];
    double y = kTop + kLaneH * double(i);
    g.o << "<g class=\"lane\" data-side=\"" << esc(s.role) << "\"><rect x=\"0\" y=\"" << y << "\" width=\"" << kW
        << "\" height=\"" << kLaneH << "\" fill=\"" << (i % 2 ? "#fafafa" : "#f3f5f8") << "\"/>"
        << "<text class=\"lane-name\" x=\"8\" y=\"" << y + kBandTop + 15 << "\">" << esc(s.role) << "</text>"
        << "<text class=\"lane-sub\" x=\"8\" y=\"" << y + kBandTop + 30 << "\">"
        << (s.alive ? "survivor" : "died (fault)") << "</text>";
    Rows above(kObsRows), below(kPredRows);
    draw_bands(g, s, y, t_end);
    draw_detection(g, s, y, above, below);  // first, so its label gets the nearest row
    draw_marks(g, s, y, above, below);
    g.o << "</g>";
  }
  if (g.in(0)) {
    std::string xs = fixed(g.x(0), 2);
    g.o << "<g class=\"fault\"><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << kTop - 6 << "\" y2=\""
        << axis_y << "\" stroke=\"#e53935\" stroke-width=\"2.5\"/></g>";
    g.label(top, g.x(0), kRow, 1, "fault: " + r.fault_type + (r.fault_target.empty() ? "" : " of " + r.fault_target),
            "fault-label");
  }
  if (r.recovered && g.in(*r.recovered)) {
    std::string xs = fixed(g.x(*r.recovered), 2);
    g.o << "<g class=\"recovery\"><line x1=\"" << xs << "\" x2=\"" << xs << "\" y1=\"" << kTop - 6 << "\" y2=\""
        << axis_y << "\" stroke=\"#2e7d32\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/></g>";
    g.label(top, g.x(*r.recovered), kRow, 1,
            "recovery" + (r.recovery_detail.empty() ? "" : ": " + r.recovery_detail), "recovery-label");
  }
  for (const Mark& m : r.global) {
    if (!g.in(m.t)) continue;
    std::string xs = fixed(g.x(m.t), 2);
    g.o << "<g class=\"global-tick\"><title>" << esc(m.title) << "</title><line x1=\"" << xs << "\" x2=\"" << xs
        << "\" y1=\"" << kTop - 4 << "\" y2=\"" << axis_y << "\" stroke=\"#757575\" stroke-dasharray=\"1 3\"/></g>";
    g.label(top, g.x(m.t), kRow, 1, m.label, "tick-label");
  }
  draw_axis(g, p, axis_y);
  g.o << "</svg>";
  return g.o.str();
}

// Runs of drawn times closer than a few pixels in panel p get their own detail panel.
void add_details(std::vector<Panel>& panels, size_t idx, const std::vector<double>& ts, int depth) {
  constexpr size_t kMaxPanels = 4;
  const Panel p = panels[idx];
  double px_per_ms = (kW - kLeft - kRight) / (p.t1 - p.t0);
  struct Run {
    double a, b;
    size_t n;
  };
  std::vector<Run> runs;
  for (double t : ts) {
    if (t < p.t0 || t > p.t1) continue;
    if (!runs.empty() && (t - runs.back().b) * px_per_ms < 8) {
      runs.back().b = t;
      ++runs.back().n;
    } else {
      runs.push_back({t, t, 1});
    }
  }
  std::vector<Run> crowded;
  for (const Run& run : runs)
    if (run.n >= 3 && (run.b - run.a) * px_per_ms < 40 && (run.b - run.a) > 1e-6) crowded.push_back(run);
  // The most crowded runs get the panels left, shown in time order.
  std::sort(crowded.begin(), crowded.end(), [](const Run& a, const Run& b) { return a.n > b.n; });
  crowded.resize(std::min(crowded.size(), kMaxPanels - std::min(kMaxPanels, panels.size())));
  std::sort(crowded.begin(), crowded.end(), [](const Run& a, const Run& b) { return a.a < b.a; });
  std::vector<size_t> added;
  for (const Run& run : crowded) {
    double pad = std::max((run.b - run.a) * 0.12, 0.01);
    panels.push_back({run.a - pad, run.b + pad, std::string(1, char('A' + panels.size() - 1)), int(idx)});
    added.push_back(panels.size() - 1);
  }
  if (depth < 2)
    for (size_t a : added) add_details(panels, a, ts, depth + 1);
}

// ---- HTML around it ---------------------------------------------------------

std::string legend(const Result& r) {
  std::ostringstream o;
  std::set<std::string> states, kinds;
  bool pred = false, detect = false, pdetect = false;
  for (const Side& s : r.sides) {
    for (const auto& st : s.states) states.insert(st.state);
    for (const auto& m : s.marks) {
      kinds.insert(m.kind);
      pred = pred || m.predicted;
    }
    detect = detect || s.detected;
    pdetect = pdetect || (s.predicted && s.predicted->detected);
  }
  o << "<div class=\"legend\">";
  for (const auto& st : states)
    o << "<span><i class=\"swatch\" style=\"background:" << state_colour(st) << "\"></i>" << esc(st) << "</span>";
  for (const auto& k : kinds)
    o << "<span><i class=\"swatch tick\" style=\"background:" << kind_colour(k) << "\"></i>" << esc(short_kind(k))
      << " = " << esc(k) << "</span>";
  o << "<span><i class=\"swatch fault\"></i>fault (t = 0)</span>";
  if (r.recovered) o << "<span><i class=\"swatch fault\" style=\"background:#2e7d32\"></i>recovery (reboot / heal)</span>";
  if (detect) o << "<span>◆ detected (first EOF / error)</span>";
  if (pred) o << "<span>○ dashed, below the band: predicted firing, shaded: how late it may be</span>";
  if (pdetect) o << "<span>◇ dashed: predicted detection</span>";
  o << "<span>ticks above the band: observed</span></div>";
  return o.str();
}

std::string side_table(const Result& r) {
  std::ostringstream o;
  o << "<table class=\"sides\"><tr><th>side</th><th>connection</th><th>states</th><th>app saw</th>"
       "<th>detected (measured)</th><th>predicted</th><th>difference</th><th>error seen</th>"
       "<th>error predicted</th><th>alternative</th></tr>";
  for (const Side& s : r.sides) {
    std::string seq, app;
    for (const auto& st : s.states) seq += (seq.empty() ? "" : " > ") + st.state;
    for (const auto& a : s.app) app += (app.empty() ? "" : ", ") + a;
    const Prediction* p = s.predicted ? &*s.predicted : nullptr;
    std::string diff = "", err_pred = p ? (p->error.empty() ? "none" : p->error) : "-";
    if (p && p->detected && s.detected) diff = signed_ms(*s.detected - *p->detected);
    std::string err_seen = s.error.empty() ? "none" : s.error;
    std::string match = p ? (err_pred == err_seen ? " ✓" : " ✗") : "";
    o << "<tr><td><b>" << esc(s.role) << "</b>" << (s.alive ? "" : " (died)") << "</td><td class=\"conn\">" << esc(s.connection)
      << "</td><td>" << esc(seq) << "</td><td>" << esc(app.empty() ? "-" : app) << "</td><td>"
      << esc(opt_ms(s.detected, "-")) << "</td><td>"
      << esc(!p ? "no prediction" : !p->detected ? "never" : ms(*p->detected) + (p->late_max > 0 ? " (up to +" + ms(p->late_max) + ")" : ""))
      << "</td><td>" << esc(diff.empty() ? "-" : diff)
      << "</td><td>" << esc(err_seen) << "</td><td>" << esc(err_pred) << match << "</td><td>"
      << esc(p ? opt_ms(p->alternative, "-") : "-") << "</td></tr>";
  }
  o << "</table>";
  for (const Side& s : r.sides)
    if (s.predicted && !s.predicted->reason.empty())
      o << "<p class=\"reason\"><b>model, " << esc(s.role) << ":</b> " << esc(s.predicted->reason)
        << (s.predicted->time_zero.empty() ? "" : " (time zero: " + esc(s.predicted->time_zero) + ")") << "</p>";
  return o.str();
}

std::string events_table(const Result& r) {
  std::ostringstream o;
  if (!r.timeline.empty()) {
    o << "<details><summary>timeline (" << r.timeline.size() << " events)</summary><table class=\"events\">"
      << "<tr><th>t</th><th>side</th><th>kind</th><th>detail</th><th>source</th><th>predicted</th><th>off by</th></tr>";
    for (const Event& e : r.timeline)
      o << "<tr><td>" << esc(ms(e.t)) << "</td><td>" << esc(e.side.empty() ? "-" : e.side) << "</td><td>"
        << esc(e.kind) << "</td><td>" << esc(e.detail) << "</td><td>" << esc(e.source) << "</td><td>"
        << esc(e.predicted ? ms(*e.predicted) : "") << "</td><td>"
        << esc(e.predicted ? signed_ms(e.t - *e.predicted) : "") << "</td></tr>";
    o << "</table></details>";
  }
  if (!r.raw_kernel.empty()) {
    o << "<details><summary>raw kernel events (" << r.raw_kernel.size() << ")</summary><pre>";
    for (const auto& l : r.raw_kernel) o << esc(l) << "\n";
    o << "</pre></details>";
  }
  return o.str();
}

std::string section(const Result& r, size_t i) {
  std::ostringstream o;
  o << "<section id=\"r" << i << "\"><h2>" << esc(r.name) << " <span class=\"verdict " << esc(r.verdict) << "\">"
    << esc(r.verdict) << "</span></h2><p class=\"meta\">fault: <b>" << esc(r.fault_type.empty() ? "?" : r.fault_type)
    << "</b> of <b>" << esc(r.fault_target.empty() ? "?" : r.fault_target) << "</b> · kernel " << esc(r.kernel)
    << " · observer <b>" << esc(r.observer.empty() ? "?" : r.observer) << "</b>"
    << (r.resolution.empty() ? "" : " (" + esc(r.resolution) + ")")
    << (r.duration ? " · case took " + esc(ms(*r.duration)) : "") << "<br><span class=\"file\">" << esc(r.file)
    << "</span></p>";
  if (!r.note.empty()) o << "<p class=\"meta\">observer note: " << esc(r.note) << "</p>";
  if (!r.description.empty()) o << "<p class=\"desc\">" << esc(r.description) << "</p>";
  if (!r.error.empty()) o << "<p class=\"error\">could not run: " << esc(r.error) << "</p>";
  if (!r.sides.empty()) {
    std::vector<double> ts = drawn_times(r);
    double lo = ts.front(), hi = ts.back();
    for (const Side& s : r.sides) {
      if (!s.states.empty()) lo = std::min(lo, s.states.front().t);
      for (const auto& m : s.marks) hi = std::max(hi, m.t + m.late_max);
      if (s.predicted && s.predicted->detected) hi = std::max(hi, *s.predicted->detected + s.predicted->late_max);
    }
    double pad = std::max((hi - lo) * 0.03, 0.05);
    std::vector<Panel> panels{{lo - pad, hi + pad, "", -1}};
    add_details(panels, 0, ts, 0);
    for (size_t k = 0; k < panels.size(); ++k) {
      const Panel& p = panels[k];
      o << "<h3>" << (p.name.empty() ? "timeline" : "detail " + p.name) << ": " << esc(ms(p.t0)) << " to "
        << esc(ms(p.t1)) << " relative to the fault</h3>" << draw_panel(r, panels, k, hi + pad);
    }
    o << legend(r) << side_table(r);
  }
  o << "<h4>failures</h4>";
  if (r.failures.empty()) o << "<p>none</p>";
  else {
    o << "<ul class=\"failures\">";
    for (const auto& f : r.failures)
      o << "<li><b>" << esc(f[0]) << " " << esc(f[1]) << "</b>: expected " << esc(f[2]) << ", seen " << esc(f[3])
        << "</li>";
    o << "</ul>";
  }
  o << events_table(r) << "</section>";
  return o.str();
}

constexpr const char* kStyle = R"(
body{font-family:sans-serif;font-size:14px;color:#222;max-width:1340px;margin:16px auto;padding:0 10px}
h1{font-size:22px}h2{font-size:18px;margin:0 0 4px}h3{font-size:13px;color:#555;margin:12px 0 2px;font-weight:normal}
h4{font-size:13px;margin:10px 0 2px}
section{border-top:2px solid #ccc;padding-top:12px;margin-top:24px}
.verdict{font-size:13px;padding:2px 8px;border-radius:4px;color:#fff;background:#888;vertical-align:middle}
.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.error{background:#ef6c00}
.meta{color:#444;margin:2px 0}.file{color:#888;font-size:12px}.desc{max-width:1100px;color:#333}
.error{color:#b71c1c;font-weight:bold}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 7px;font-size:13px;text-align:left}td.conn{white-space:nowrap}
th{background:#f0f0f0}.reason{font-size:12px;color:#444;max-width:1100px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0}
.swatch{display:inline-block;width:14px;height:10px;margin-right:4px;border:1px solid #999;vertical-align:middle}
.swatch.tick{width:3px;border:none;height:12px}.swatch.fault{width:3px;border:none;height:12px;background:#e53935}
svg .lane-name{font-weight:bold;font-size:13px}svg .lane-sub{fill:#777}
svg .band-label{fill:#222}svg .tick-label{fill:#333}svg .pred{fill:#666;font-style:italic}
svg .detect-label{font-weight:bold}svg .fault-label{fill:#c62828;font-weight:bold}svg .axis-label{fill:#444}
svg .detect-mark{fill:#000}svg .pred-detect-mark{fill:#fff;stroke:#000;stroke-width:1.5}
svg .detail-label{fill:#3949ab}svg .recovery-label{fill:#2e7d32;font-weight:bold}
pre{font-size:12px;background:#f7f7f7;padding:6px;overflow:auto}
)";

}  // namespace

std::string render_report_html(const std::vector<nlohmann::json>& results, const std::vector<std::string>& source_files) {
  std::vector<Result> rs;
  for (size_t i = 0; i < results.size(); ++i)
    rs.push_back(read_result(results[i], i < source_files.size() ? source_files[i] : "result " + std::to_string(i + 1)));
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>crashlab report</title><style>"
    << kStyle << "</style></head><body><h1>crashlab report</h1><p>" << rs.size()
    << " result(s). Times are in ms relative to the fault (t = 0). Hover a mark for its details.</p>"
    << "<table class=\"index\"><tr><th>case</th><th>verdict</th><th>fault</th><th>detected</th><th>file</th></tr>";
  for (size_t i = 0; i < rs.size(); ++i) {
    std::string det;
    for (const Side& s : rs[i].sides)
      if (s.detected) det += (det.empty() ? "" : ", ") + s.role + " " + (s.error.empty() ? "" : s.error + " ") + ms(*s.detected);
    o << "<tr><td><a href=\"#r" << i << "\">" << esc(rs[i].name) << "</a></td><td><span class=\"verdict "
      << esc(rs[i].verdict) << "\">" << esc(rs[i].verdict) << "</span></td><td>"
      << esc(rs[i].fault_type + (rs[i].fault_target.empty() ? "" : " of " + rs[i].fault_target)) << "</td><td>"
      << esc(det.empty() ? "-" : det) << "</td><td class=\"file\">" << esc(rs[i].file) << "</td></tr>";
  }
  o << "</table>";
  for (size_t i = 0; i < rs.size(); ++i) o << section(rs[i], i);
  o << "</body></html>\n";
  return o.str();
}

int report_command(const std::vector<std::string>& paths, const std::string& out_path, std::ostream& err) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      err << "crashlab report: " << p << ": not a file or a folder\n";
      return 2;
    }
  }
  if (files.empty()) {
    err << "crashlab report: no result files (*.json) in the given paths\n";
    return 2;
  }
  std::vector<json> results;
  for (const auto& f : files) {
    std::ifstream in(f);
    try {
      results.push_back(json::parse(in));
    } catch (const json::exception& e) {
      err << "crashlab report: " << f << ": not valid JSON: " << e.what() << "\n";
      return 2;
    }
  }
  std::string html;
  try {
    html = render_report_html(results, files);
  } catch (const std::invalid_argument& e) {
    err << "crashlab report: " << e.what() << "\n";
    return 2;
  }
  fs::path first(paths.front());
  std::string out = !out_path.empty() ? out_path
                    : fs::is_directory(first) ? (first / "report.html").string()
                                              : (first.parent_path() / "report.html").string();
  std::ofstream o(out);
  o << html;
  if (!o.flush()) {
    err << "crashlab report: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "report: " << out << " (" << results.size() << " result(s))\n";
  return 0;
}

}  // namespace crashlab
