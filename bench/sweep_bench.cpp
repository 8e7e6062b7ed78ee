// make bench: how far a sweep scales. One multi-second case (host-crash/send, ~7 s)
// run alone a few times, one after the other (`crashlab run CASE --repeat N --jobs 1`:
// the baseline and its spread), then as 100 concurrent repeats (`--repeat 100 --jobs
// 100`). Targets (the issue): the 100 finish within 1.2x the longest case; detection
// from the fault distorted by under 0.5 % median and 2 % max against the alone median;
// every repeat with the verdict it has alone. Also printed: CPU seconds per case (the
// crashlab process and every descendant it reaped, from wait4), and where a distortion
// comes from: the runner's part (its first action after the fault starting late, the
// endpoint reporting the kernel's give-up late) and the kernel's timer-wheel phase,
// which moves a give-up by up to the model's late_max_ms whoever runs it.
//
// usage: sweep_bench [CASE] [--set ROLE.KIND.NAME=VALUE]... [--ip ipv4|ipv6] [--alone N] [--repeat N] [--crashlab PATH] [--keep]
// Exit 0 when measured (targets met or not), 1 when it could not run. Takes about
// (N alone + 1) x the case's duration plus setups: ~45 s for host-crash/send.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/crashlab_child.hpp"
#include "runner/case/case_files.hpp"

using namespace crashlab;
using namespace crashlab::bench;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr double kTargetWallRatio = 1.2, kTargetMedianPct = 0.5, kTargetMaxPct = 2.0;

// What one repeat measured for the side that detects the fault (ms after the fault).
struct Repeat {
  std::string verdict, detail;
  double duration_ms = 0;
  std::optional<double> detected, first_app, give_up, phase;
  // Detection from the side's natural zero (its first send after the fault, else the
  // last segment it received): what the runner's lateness in starting its fault and
  // actions does not move.
  std::optional<double> from_zero;
  std::string zero;
};

// The first side with a detection in this result, or "".
std::string detecting_side(const Json& r) {
  const Json sides = r.value("sides", Json::object());  // items() refers to it: not a temporary
  for (const auto& [role, s] : sides.items())
    if (s.value("detected_after_ms", Json()).is_number()) return role;
  return "";
}

std::optional<double> number(const Json& j) { return j.is_number() ? std::optional(j.get<double>()) : std::nullopt; }

Repeat repeat_of(const Json& r, const std::string& role) {
  Repeat out;
  out.verdict = text_of(r, "verdict", "?");
  out.detail = failures_of(r);
  out.duration_ms = r.value("duration_ms", 0.0);
  const Json side = r.value("sides", Json::object()).value(role, Json::object());
  out.detected = number(side.value("detected_after_ms", Json()));
  const Json from = side.value("detected_from", Json::object());
  for (const char* zero : {"first_send", "last_received"})
    if (auto v = number(from.is_object() ? from.value(zero, Json()) : Json())) {
      out.from_zero = v;
      out.zero = zero;
      break;
    }
  for (const auto& e : r.value("timeline", Json::array())) {
    if (text_of(e, "side") != role) continue;
    const double t = e.value("t_ms", 0.0);
    // The side's first application event after the fault and before its detection: the
    // runner's action landing.
    if (!out.first_app && text_of(e, "kind") == "app" && t >= 0 && (!out.detected || t < *out.detected)) out.first_app = t;
    // The kernel's give-up: the side's last state change up to the detection.
    if (text_of(e, "kind") == "state" && out.detected && t >= 0 && t <= *out.detected) out.give_up = t;
  }
  const Json predicted = side.value("predicted", Json());
  if (out.detected && predicted.is_object())
    if (auto p = number(predicted.value("detected_after_ms", Json()))) out.phase = *out.detected - *p;
  return out;
}

// Runs the case N times with --jobs J; returns the child's figures and each repeat's.
struct Batch {
  ChildRun child;
  std::vector<Repeat> repeats;
  std::string role;
};

// What to run: the case, its --set overrides, and the crashlab binary.
struct Subject {
  std::string crashlab, file;
  std::vector<std::string> sets;
  std::string ip = "ipv4";  // one family: a case listing both would double the count
  int64_t window_ms = 0;
};

Batch run_batch(const Subject& what, int repeat, int jobs, const fs::path& dir, std::string role) {
  const fs::path out = dir / "results", log = dir / "run.log";
  fs::create_directories(dir);
  const int64_t bound_ms = jobs == 1 ? repeat * (2 * what.window_ms + 30'000) : 2 * what.window_ms + 120'000;
  std::vector<std::string> argv{what.crashlab, "run", what.file, "--repeat", std::to_string(repeat), "--jobs",
                                std::to_string(jobs), "--ip", what.ip, "--out", out.string(), "--quiet"};
  for (const std::string& set : what.sets) argv.insert(argv.end(), {"--set", set});
  Batch b{run_bounded(argv, log.string(), int(std::min<int64_t>(bound_ms, 1'800'000))), {}, role};
  for (const auto& r : read_results(out)) {
    if (b.role.empty()) b.role = detecting_side(r);
    b.repeats.push_back(repeat_of(r, b.role));
  }
  if (b.repeats.empty())
    throw std::runtime_error("no result files from " + std::to_string(repeat) + " repeats; crashlab " +
                             b.child.status_text() + "; its output is in " + log.string());
  return b;
}

std::vector<double> values(const std::vector<Repeat>& rs, std::optional<double> Repeat::*field) {
  std::vector<double> v;
  for (const auto& r : rs)
    if (r.*field) v.push_back(*(r.*field));
  return v;
}

// The runner's own part of a detection: its action landing (none in a case with no
// action after the fault) plus the endpoint's report lag.
// with_action: the case has an action after the fault (a repeat missing it is left out).
std::vector<double> runner_part(const std::vector<Repeat>& rs, bool with_action) {
  std::vector<double> v;
  for (const auto& r : rs)
    if (r.detected && r.give_up && (r.first_app || !with_action))
      v.push_back(r.first_app.value_or(0) + (*r.detected - *r.give_up));
  return v;
}

// Detection from the natural zero, of the repeats that counted from this one.
std::vector<double> from_zero(const std::vector<Repeat>& rs, const std::string& zero) {
  std::vector<double> v;
  for (const auto& r : rs)
    if (r.from_zero && r.zero == zero) v.push_back(*r.from_zero);
  return v;
}

struct Spread {
  double median = 0, max = 0;
};
// |x - reference| over xs: median and maximum.
Spread off_by(const std::vector<double>& xs, double reference) {
  std::vector<double> d;
  for (double x : xs) d.push_back(std::fabs(x - reference));
  return {median(d), d.empty() ? 0 : *std::max_element(d.begin(), d.end())};
}

std::string list(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : " ") + std::to_string(int64_t(std::lround(x)));
  return s;
}

const char* met(bool ok) { return ok ? "met" : "NOT met"; }

void print_distortion(const char* what, const Spread& s, double base_ms) {
  const double med_pct = 100 * s.median / base_ms, max_pct = 100 * s.max / base_ms;
  std::printf("  %-27s median %6.1f ms (%5.2f %%)  max %6.1f ms (%5.2f %%)  target < %.1f %% / < %.0f %%: %s\n", what,
              s.median, med_pct, s.max, max_pct, kTargetMedianPct, kTargetMaxPct,
              met(med_pct < kTargetMedianPct && max_pct < kTargetMaxPct));
}

int run(Subject what, int alone_n, int concurrent_n, bool keep) {
  what.window_ms = runner::load_case(what.file).window_ms;
  const fs::path dir = make_temp_dir("crashlab-sweep-bench");
  std::string sets;
  for (const std::string& set : what.sets) sets += " --set " + set;
  std::printf("sweep: %s%s --ip %s alone %dx (--repeat %d --jobs 1), then %d at once (--repeat %d --jobs %d)\n",
              what.file.c_str(), sets.c_str(), what.ip.c_str(), alone_n, alone_n, concurrent_n, concurrent_n, concurrent_n);
  std::printf("  load average before: %s\n", load_average().c_str());
  std::fflush(stdout);
  const Batch alone = run_batch(what, alone_n, 1, dir / "alone", "");
  if (alone.role.empty()) throw std::runtime_error(what.file + " detects nothing alone: choose a case with a detection");
  std::printf("  load average between: %s\n", load_average().c_str());
  std::fflush(stdout);
  const Batch many = run_batch(what, concurrent_n, concurrent_n, dir / "concurrent", alone.role);
  std::printf("  load average after: %s\n", load_average().c_str());

  const std::vector<double> alone_det = values(alone.repeats, &Repeat::detected);
  const double base = median(alone_det);
  const auto durations = [](const std::vector<Repeat>& rs) {
    std::vector<double> d;
    for (const auto& r : rs) d.push_back(r.duration_ms);
    return d;
  };
  const std::vector<double> many_dur = durations(many.repeats);
  const double longest = *std::max_element(many_dur.begin(), many_dur.end());
  const double alone_longest = std::ranges::max(durations(alone.repeats));
  std::printf("  alone: %s detected after %s ms (median %.1f), durations up to %.2f s, %s\n", alone.role.c_str(),
              list(alone_det).c_str(), base, alone_longest / 1e3, alone.child.status_text().c_str());
  std::printf("  %d at once: %zu results, crashlab %s\n", concurrent_n, many.repeats.size(),
              many.child.status_text().c_str());
  // Against the longest of the 100 (the figure) and against the case alone: a
  // run that stretched every case would meet the first and not the second.
  const double ratio = many.child.wall_ms / longest, stretch = many.child.wall_ms / alone_longest;
  std::printf("  wall / longest case         %.2fx (wall %.2f s, longest of them %.2f s)  target <= %.1fx: %s\n", ratio,
              many.child.wall_ms / 1e3, longest / 1e3, kTargetWallRatio, met(ratio <= kTargetWallRatio));
  std::printf("  wall / longest alone        %.2fx (longest alone %.2f s)  target <= %.1fx: %s\n", stretch,
              alone_longest / 1e3, kTargetWallRatio, met(stretch <= kTargetWallRatio));
  const std::vector<double> many_det = values(many.repeats, &Repeat::detected);
  print_distortion("|detection - alone median|", off_by(many_det, base), base);
  const std::string zero = alone.repeats.front().zero;
  if (const std::vector<double> alone_zero = from_zero(alone.repeats, zero); !alone_zero.empty()) {
    const std::string what_zero = "  from " + zero;
    std::printf("  detection from the side's %s, not the fault: alone %s ms\n", zero.c_str(), list(alone_zero).c_str());
    print_distortion(what_zero.c_str(), off_by(from_zero(many.repeats, zero), median(alone_zero)), median(alone_zero));
  }
  const double cpu_alone = alone.child.cpu_s / alone_n, cpu_many = many.child.cpu_s / concurrent_n;
  std::printf("  CPU per case                %.3f s at once, %.3f s alone (%.1f %% / %.1f %% of a core over its duration)\n",
              cpu_many, cpu_alone, 100 * cpu_many / (median(many_dur) / 1e3),
              100 * cpu_alone / (median(durations(alone.repeats)) / 1e3));

  std::map<std::string, int> alone_verdicts, many_verdicts;
  for (const auto& r : alone.repeats) ++alone_verdicts[r.verdict];
  for (const auto& r : many.repeats) ++many_verdicts[r.verdict];
  const std::string usual = alone_verdicts.size() == 1 ? alone_verdicts.begin()->first : "";
  const int same = usual.empty() ? 0 : many_verdicts[usual];
  std::printf("  verdicts                    %d/%d %s as alone%s  target all: %s\n", same, concurrent_n,
              usual.empty() ? "?" : usual.c_str(), usual.empty() ? " (alone runs disagree among themselves)" : "",
              met(same == concurrent_n && int(many.repeats.size()) == concurrent_n));
  int shown = 0, others = 0;
  for (const auto& r : many.repeats)
    if (r.verdict != usual) (shown < 5 ? ++shown, std::printf("    %s: %s\n", r.verdict.c_str(), r.detail.c_str()) : ++others);
  if (others > 0) std::printf("    ... and %d more (--keep keeps the result files)\n", others);

  std::printf("  where it comes from (ms after the fault; |at once - alone median|, median / max):\n");
  const auto part = [&](const char* what, const std::vector<double>& a, const std::vector<double>& m) {
    const Spread s = off_by(m, median(a));
    std::printf("    %-44s alone %s; at once off by %.1f / %.1f\n", what, list(a).c_str(), s.median, s.max);
  };
  if (!values(alone.repeats, &Repeat::first_app).empty())
    part("first app event of the side (the action)", values(alone.repeats, &Repeat::first_app),
         values(many.repeats, &Repeat::first_app));
  const bool with_action = !values(alone.repeats, &Repeat::first_app).empty();
  part("runner's part (action + report lag)", runner_part(alone.repeats, with_action),
       runner_part(many.repeats, with_action));
  const std::vector<double> phases = values(many.repeats, &Repeat::phase);
  if (!phases.empty())
    std::printf("    %-44s alone %s; at once %.0f..%.0f (the kernel's, not the runner's)\n",
                "detection - model's earliest (timer wheel)", list(values(alone.repeats, &Repeat::phase)).c_str(),
                std::ranges::min(phases), std::ranges::max(phases));
  print_distortion("runner's part vs alone",
                   off_by(runner_part(many.repeats, with_action), median(runner_part(alone.repeats, with_action))), base);
  if (keep)
    std::printf("  kept: %s\n", dir.c_str());
  else
    fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Subject what{CRASHLAB_BINARY, CRASHLAB_SOURCE_DIR "/cases/host-crash/send.json", {}, "ipv4", 0};
  int alone = 3, repeat = 100;
  bool keep = false;
  const auto usage = [] {
    std::fprintf(stderr, "usage: sweep_bench [CASE] [--set ROLE.KIND.NAME=VALUE]... [--ip ipv4|ipv6] [--alone N] [--repeat N] [--crashlab PATH] [--keep]\n");
    return 1;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--keep") keep = true;
    else if (a == "--crashlab" && has_value) what.crashlab = argv[++i];
    else if (a == "--set" && has_value) what.sets.push_back(argv[++i]);
    else if (a == "--ip" && has_value) what.ip = argv[++i];
    else if (a == "--alone" && has_value) alone = std::atoi(argv[++i]);
    else if (a == "--repeat" && has_value) repeat = std::atoi(argv[++i]);
    else if (a.rfind("--", 0) == 0) return usage();
    else what.file = a;
  }
  if (alone < 1 || repeat < 1 || repeat > 1000) return usage();
  try {
    return run(what, alone, repeat, keep);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep_bench: %s\n", e.what());
    return 1;
  }
}
