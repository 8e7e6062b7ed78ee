#include "runner/advise/verify.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "runner/advise/advice_text.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/judge/judge.hpp"
#include "runner/ms_text.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/run_case.hpp"

namespace crashlab::runner::advise {

namespace {
namespace fs = std::filesystem;

// The outage starts this long before the first keepalive probe is due (time zero of
// the idle run is the connection's last segment, just before the fault's after_ms).
constexpr int64_t kOutageLeadMs = 100;

// Room after the deadline so that a late detection is measured, not cut off.
int64_t margin_ms(int64_t deadline_ms) { return std::max<int64_t>(2000, deadline_ms / 10); }

struct Base {
  const char* file;  // under the cases folder
  const char* name;  // the run's case name
};
constexpr Base kCrashIdle{"host-crash/idle-keepalive.json", "advise/host-crash-idle"};
constexpr Base kCrashBusy{"host-crash/send.json", "advise/host-crash-busy"};
constexpr Base kOutage{"partition/heal-before-timeout.json", "advise/outage"};

// The shipped case with what it sets removed (the proposal replaces it) and `edit` applied.
template <class Edit>
CaseSpec from_case(const std::string& cases_dir, const Base& base, const std::string& suffix, const Candidate& c, Edit edit) {
  const std::string file = (fs::path(cases_dir) / base.file).string();
  nlohmann::json j = read_case_json(file);
  j.erase("sockets");
  j.erase("sysctls");
  edit(j);
  CaseSpec spec = parse_case(j, file, std::string(base.name) + suffix);
  for (const std::string& a : set_assignments(c.settings, "server")) apply_override(spec, a);
  return spec;
}

VerifyRun crash_run(const std::string& cases_dir, const Base& base, const char* what, const SideOutcome& side,
                    const Candidate& c, const Request& r) {
  VerifyRun v{what, Promise::DetectsCrash, {}, side.detection.earliest_ms, side.detection.worst_ms};
  v.spec = from_case(cases_dir, base, "", c, [&](nlohmann::json& j) {
    j["description"] = std::string("advise --verify: ") + what + " must be detected within " +
                       duration_text(double(r.detect_within_ms)) + " with " + settings_text(c.settings) + ".";
    j["expect"] = {{"server", {{"detected_after_ms", {0, r.detect_within_ms}}}}};
    j["window_ms"] = r.detect_within_ms + margin_ms(r.detect_within_ms);
  });
  return v;
}

// Nothing may fail: the healthy connection outlives the outage on both sides.
nlohmann::json survives(bool sends) {
  nlohmann::json server = {{"app", sends ? nlohmann::json::array({"SENT"}) : nlohmann::json::array()},
                           {"state_at_end", "ESTABLISHED"}};
  nlohmann::json client = {{"app", sends ? nlohmann::json::array({"DATA"}) : nlohmann::json::array()},
                           {"state_at_end", "ESTABLISHED"}};
  return {{"server", server}, {"client", client}};
}

VerifyRun outage_run(const std::string& cases_dir, bool idle, const Candidate& c, const Request& r) {
  const char* what = idle ? "outage, idle connection" : "outage, busy connection";
  VerifyRun v{what, Promise::SurvivesOutage, {}, std::nullopt, std::nullopt};
  const SideOutcome& side = idle ? c.eval.idle : c.eval.busy;
  // Watch until the connection would have given up had the outage not ended.
  const int64_t after_ms = idle ? int64_t(c.settings.keepidle_s) * 1000 - kOutageLeadMs : 0;
  const double give_up = side.detection.worst_ms.value_or(double(r.detect_within_ms));
  // (A case may not delay its fault beyond its window.)
  const int64_t window = std::max<int64_t>({r.survive_outage_ms + margin_ms(r.detect_within_ms),
                                            int64_t(std::ceil(give_up)) - after_ms + margin_ms(r.detect_within_ms), after_ms});
  v.spec = from_case(cases_dir, kOutage, idle ? "-idle" : "-busy", c, [&](nlohmann::json& j) {
    j["description"] = std::string("advise --verify: a ") + duration_text(double(r.survive_outage_ms)) + " outage of an " +
                       (idle ? "idle" : "busy") + " connection (starting " +
                       (idle ? "just before the first keepalive probe" : "with the send") + ") must not end it, with " +
                       settings_text(c.settings) + ".";
    j["fault"]["heal_after_ms"] = r.survive_outage_ms;
    if (idle) {
      j["fault"]["after_ms"] = after_ms;
      j.erase("after_fault");
    }
    j["expect"] = survives(!idle);
    j["window_ms"] = window;
  });
  return v;
}
}  // namespace

std::vector<VerifyRun> verify_runs(const Candidate& c, const Request& r, const std::string& cases_dir) {
  std::vector<VerifyRun> out;
  if (r.wants_idle()) out.push_back(crash_run(cases_dir, kCrashIdle, "host crash, idle connection", c.eval.idle, c, r));
  if (r.wants_busy()) out.push_back(crash_run(cases_dir, kCrashBusy, "host crash, busy connection", c.eval.busy, c, r));
  if (r.survive_outage_ms > 0) {
    if (r.wants_idle()) out.push_back(outage_run(cases_dir, true, c, r));
    if (r.wants_busy()) out.push_back(outage_run(cases_dir, false, c, r));
  }
  return out;
}

std::vector<VerifyOutcome> run_verification(std::vector<VerifyRun> runs, const std::string& out_dir, int hz) {
  std::vector<VerifyOutcome> out(runs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < runs.size(); ++i) {
    out[i].run = std::move(runs[i]);
    threads.emplace_back([&o = out[i], &out_dir] {
      o.result = run_case(o.run.spec, RunOptions{out_dir, false, std::nullopt, {}});
      try {
        o.result_file = write_result(o.result, out_dir);
      } catch (const std::exception&) {
        o.result_file.clear();  // verify_text names the folder; the verdict stands without the file
      }
    });
  }
  for (auto& t : threads) t.join();
  for (VerifyOutcome& o : out) {
    o.holds = o.result.passed();
    auto side = o.result.sides.find(Role::Server);
    if (side != o.result.sides.end()) o.measured_ms = side->second.detected_after_ms;
    if (o.run.promise == Promise::DetectsCrash && o.measured_ms && o.run.predicted_lo_ms) {
      const ModelWindow w = model_window(*o.run.predicted_lo_ms, *o.run.predicted_hi_ms - *o.run.predicted_lo_ms,
                                         ModelTolerance{}, 1000.0 / hz);
      o.inside_prediction = *o.measured_ms >= w.lo && *o.measured_ms <= w.hi;
    }
  }
  return out;
}

bool all_hold(const std::vector<VerifyOutcome>& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](const VerifyOutcome& o) { return o.holds; });
}

nlohmann::json verify_json(const std::vector<VerifyOutcome>& v, const std::string& out_dir) {
  nlohmann::json runs = nlohmann::json::array();
  for (const VerifyOutcome& o : v) {
    nlohmann::json failures = nlohmann::json::array();
    for (const Failure& f : o.result.failures) failures.push_back(f.text());
    if (!o.result.error.empty()) failures.push_back(o.result.error);
    if (o.result.verdict == Verdict::Distorted)
      for (const std::string& d : o.result.distortions) failures.push_back("distorted: " + d);
    const auto& srv = o.result.sides.count(Role::Server) ? o.result.sides.at(Role::Server) : SideResult{};
    runs.push_back({{"what", o.run.what},
                    {"case", o.run.spec.name},
                    {"promise", o.run.promise == Promise::DetectsCrash ? "detects_crash" : "survives_outage"},
                    {"holds", o.holds},
                    {"predicted_ms", o.run.predicted_lo_ms ? nlohmann::json::array({*o.run.predicted_lo_ms, *o.run.predicted_hi_ms})
                                                           : nlohmann::json(nullptr)},
                    {"measured_ms", o.measured_ms ? nlohmann::json(std::round(*o.measured_ms * 10) / 10) : nlohmann::json(nullptr)},
                    {"error", srv.error ? nlohmann::json(srv.error->name()) : nlohmann::json(nullptr)},
                    {"inside_prediction", o.inside_prediction ? nlohmann::json(*o.inside_prediction) : nlohmann::json(nullptr)},
                    {"observer", o.result.observer},
                    {"failures", failures},
                    {"result", o.result_file}});
  }
  return {{"holds", all_hold(v)}, {"results", out_dir}, {"runs", runs}};
}

std::string verify_text(const std::vector<VerifyOutcome>& v, const std::string& out_dir) {
  std::string t = "\nVerified on this kernel (results in " + out_dir + "):\n";
  for (const VerifyOutcome& o : v) {
    t += std::string("  ") + (o.holds ? "HOLDS " : "FAILS ") + o.run.what + ": ";
    const auto srv = o.result.sides.find(Role::Server);
    const std::string err = srv != o.result.sides.end() && srv->second.error ? " (" + srv->second.error->name() + ")" : "";
    if (o.run.promise == Promise::DetectsCrash) {
      t += "predicted " + seconds_text(o.run.predicted_lo_ms.value_or(0)) + " to " + seconds_text(o.run.predicted_hi_ms.value_or(0)) +
           ", measured " + (o.measured_ms ? seconds_text(*o.measured_ms) + err : std::string("no detection"));
      if (o.inside_prediction && !*o.inside_prediction) t += " - outside the model's window";
    } else {
      t += o.measured_ms ? "the connection failed after " + seconds_text(*o.measured_ms) + err : "the connection lived through it";
    }
    t += "\n";
    for (const Failure& f : o.result.failures) t += "      " + f.text() + "\n";
    if (!o.result.error.empty()) t += "      could not run: " + o.result.error + "\n";
    if (o.result.verdict == Verdict::Distorted)
      for (const std::string& d : o.result.distortions) t += "      not proven either way, the runner was late: " + d + "\n";
  }
  t += all_hold(v) ? "The proposal holds.\n" : "The proposal does NOT hold on this kernel.\n";
  return t;
}

}  // namespace crashlab::runner::advise
