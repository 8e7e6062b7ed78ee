#include "tests/override/inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "netns/endpoint/socket_options.hpp"
#include "runner/case/overrides.hpp"
#include "runner/predict/planned.hpp"
#include "runner/predict/sysctl_table.hpp"
#include "runner/run/plan/judgeable.hpp"
#include "runner/run/plan/window.hpp"
#include "runner/sweep/sweep_plan.hpp"

namespace crashlab::runner::override_test {

namespace {
constexpr size_t kLinearSteps = 8;  // lo .. lo + 8 one by one: the small counts are where the rules turn
constexpr int64_t kSaturatedAbove = 1000000;

bool case_sets(const CaseSpec& spec, Role role, const std::string& kind, const std::string& name) {
  if (kind == "sysctl") {
    auto s = spec.sysctls.find(role);
    return s != spec.sysctls.end() && s->second.count(name);
  }
  for (const SocketOption& o : spec.socket_options(role))
    if (o.name == name) return true;
  return false;
}

std::string ms(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

// Everything the judge holds a "model" side to: its detection, error and every firing.
std::string signature_of(const CaseSpec& spec, const Predictions& p) {
  std::string s;
  for (const auto& [role, e] : spec.expect) {
    if (!e.detected_by_model) continue;
    auto it = p.find(role);
    if (it == p.end()) continue;
    const SidePrediction& sp = it->second;
    s += std::string(role_name(role)) + ":" + (sp.detected_after_ms ? ms(*sp.detected_after_ms) : "never") + ":" +
         sp.error + ":";
    for (const PredictedFiring& f : sp.schedule) s += ms(f.at_ms) + (f.optional ? "?" : "") + ",";
    s += ";";
  }
  return s;
}

double duration(const Candidate& c) { return c.predicted_ms.value_or(std::numeric_limits<double>::infinity()); }
}  // namespace

std::vector<ModelInput> model_inputs(const CaseSpec& spec) {
  std::vector<ModelInput> out;
  for (const auto& [role, e] : spec.expect) {
    if (!e.detected_by_model) continue;
    const std::string side = role_name(role);
    for (const std::string& name : model_input_sysctls())
      if (auto r = model_sysctl_range(name))
        out.push_back({side + ".sysctl." + name, r->min, r->max, case_sets(spec, role, "sysctl", name)});
    for (const std::string& name : model_socket_options())
      if (auto r = socket_option_range(name))
        out.push_back({side + ".socket." + name, r->min, r->max, case_sets(spec, role, "socket", name)});
  }
  return out;
}

std::vector<int64_t> ladder(int64_t lo, int64_t hi) {
  std::vector<int64_t> v;
  for (int64_t x = lo; x <= hi && x <= lo + int64_t(kLinearSteps); ++x) v.push_back(x);
  for (int64_t decade = 1; decade <= hi && decade < std::numeric_limits<int64_t>::max() / 10; decade *= 10)
    for (int64_t m : {1, 2, 5}) {
      const int64_t x = m * decade;
      if (x > lo + int64_t(kLinearSteps) && x <= hi) v.push_back(x);
    }
  if (v.empty() || v.back() != hi) v.push_back(hi);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Candidate evaluate(const CaseSpec& spec, const Predictions& as_written, const ModelInput& input, int64_t value) {
  Candidate c;
  c.value = value;
  c.assignment = input.key + "=" + std::to_string(value);
  try {
    CaseSpec as_run = spec;
    apply_override(as_run, c.assignment);
    // The checks `crashlab run --set` makes before anything is created (cli::plan_run).
    const Predictions p = plan(as_run);
    const ObservationWindow w = observation_window(as_run, p);
    c.window_ms = w.ms;
    c.signature = signature_of(as_run, p);
    if (auto it = p.find(sweep::watched_side(as_run)); it != p.end()) {
      c.predicted_ms = it->second.detected_after_ms;
      c.error = it->second.error;
    }
    if (auto why = unjudgeable(as_run, p, as_written, w)) c.refused = *why;
  } catch (const std::exception& e) {
    c.refused = e.what();
  }
  return c;
}

std::vector<InputPlan> plan_inputs(const CaseSpec& spec, double max_predicted_ms) {
  const Predictions as_written = plan(spec);
  const std::string own = signature_of(spec, as_written);
  double own_ms = std::numeric_limits<double>::infinity();
  if (auto it = as_written.find(sweep::watched_side(spec)); it != as_written.end() && it->second.detected_after_ms)
    own_ms = *it->second.detected_after_ms;
  std::optional<std::pair<size_t, Candidate>> control;  // the first accepted value of any input
  std::vector<InputPlan> out;
  for (const ModelInput& input : model_inputs(spec)) {
    InputPlan ip{input, {}, {}, ""};
    std::vector<Candidate> ok;
    // The ladder stops early where going on could only repeat itself, slowly (the model
    // simulates every firing of a long chain): two values in a row past the limit, or
    // past a million (a quarter of an hour in ms) the same prediction four times in a row.
    int beyond = 0, same = 0;
    std::string last;
    for (int64_t v : ladder(input.lo, input.hi)) {
      Candidate c = evaluate(spec, as_written, input, v);
      same = c.signature == last ? same + 1 : 0;
      last = c.signature;
      beyond = c.predicted_ms && duration(c) > max_predicted_ms ? beyond + 1 : 0;
      if (!c.refused.empty())
        ip.refused.push_back(std::move(c));
      else if (beyond == 0)
        ok.push_back(std::move(c));
      if (beyond == 2 || (same >= 3 && v > kSaturatedAbove)) break;
    }
    const bool moves = std::any_of(ok.begin(), ok.end(), [&](const Candidate& c) { return c.signature != own; });
    if (!ok.empty() && !control) control = {out.size(), ok.front()};
    if (ok.empty()) {
      ip.skipped = "no value in range that the pre-run check accepts and the model puts under " + ms(max_predicted_ms) + " ms";
    } else if (!moves && !input.set_by_case) {
      ip.skipped = "moves nothing the model predicts for this case";
    } else {
      const auto add = [&](const Candidate& c, const char* why) {
        // A prediction already run, or the case's own (its own test runs that), adds nothing.
        if (moves && c.signature == own) return;
        for (const ChosenRun& r : ip.runs)
          if (r.candidate.signature == c.signature && moves) return;
        ip.runs.push_back({c, why});
      };
      add(*std::find_if(ok.begin(), ok.end(), [&](const Candidate& c) { return !moves || c.signature != own; }), "lowest");
      if (moves) {
        // One value whose detection comes sooner than the case's own (the lowest often
        // is one) and one whose detection comes later, as late as the limit allows.
        const auto by_duration = [](const Candidate& a, const Candidate& b) { return duration(a) < duration(b); };
        const Candidate& shortest = *std::min_element(ok.begin(), ok.end(), by_duration);
        if (duration(ok.front()) >= own_ms && duration(shortest) < own_ms) add(shortest, "shortest");
        const Candidate* longest = nullptr;
        for (const Candidate& c : ok)
          if (c.predicted_ms && (!longest || duration(c) > duration(*longest))) longest = &c;
        if (longest && duration(*longest) > own_ms) add(*longest, "longest");
      } else if (ok.size() > 1) {
        add(ok.back(), "highest");
      }
    }
    out.push_back(std::move(ip));
  }
  // A case none of whose inputs moves its prediction still runs once with one of
  // them changed: the model says nothing changes, and the kernel must agree.
  const bool none = std::all_of(out.begin(), out.end(), [](const InputPlan& ip) { return ip.runs.empty(); });
  if (none && control) {
    out[control->first].runs.push_back({control->second, "control"});
    out[control->first].skipped.clear();
  }
  return out;
}

}  // namespace crashlab::runner::override_test
