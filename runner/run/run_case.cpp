#include "runner/run/run_case.hpp"

#include <filesystem>

#include "netns/sys/clock.hpp"
#include "netns/observe/wakeup_lateness.hpp"
#include "netns/sys/wait.hpp"
#include "runner/judge/distortion.hpp"
#include "runner/judge/judge.hpp"
#include "runner/judge/phase_taken.hpp"
#include "runner/predict/planned.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/result/assemble.hpp"
#include "runner/result/result_json.hpp"
#include "runner/run/environment.hpp"
#include "runner/run/measure.hpp"

namespace crashlab::runner {

namespace {
// A failed case keeps its capture; a passed one only with --pcap.
void keep_or_discard(const CaptureOutcome& capture, const RunOptions& opts, CaseResult& res) {
  res.pcap_note = capture.note;
  if (!capture.file) return;
  if (opts.pcap || !res.passed()) {
    res.pcap = capture.file->string();
    res.pcap_removal_until_written = capture.removal_if_abandoned;
    return;
  }
  std::error_code ec;
  std::filesystem::remove(*capture.file, ec);  // then the removal order goes with `capture`
}

void keep_partial_capture(const std::filesystem::path& capture_file, CaseResult& res) {
  std::error_code ec;
  if (std::filesystem::exists(capture_file, ec)) res.pcap = std::filesystem::absolute(capture_file).string();
}
}  // namespace

CaseResult run_case(const CaseSpec& spec, const RunOptions& opts) {
  CaseResult res = result_for(spec);
  res.basename = result_basename(spec.name);
  res.started_t_ns = monotonic_ns();
  const auto capture_file = std::filesystem::path(opts.out_dir) / (res.basename + ".pcap");
  try {
    CaseSpec watched = spec;
    const Predictions planned = plan(spec);
    res.window = observation_window(spec, planned, opts.window_ms);
    watched.window_ms = res.window.ms;
    RunStage run = measure(watched, capture_file, opts.ran_up);
    // A program's socket options are what it set, read from its socket: the model's input.
    for (const auto& [role, side] : run.measurement.sides)
      if (side.program && side.program->socket_options) watched.sockets[role] = *side.program->socket_options;
    const Predictions predicted = with_the_phase_taken(watched, run.measurement, predict(watched, run.measurement));
    Judgement judgement = judge(watched, run.measurement, predicted);
    mark_planned(judgement.failures, planned);
    assemble_result(watched, run.measurement, predicted, judgement, res);
    keep_or_discard(run.capture, opts, res);
  } catch (const WaitTimeout& e) {
    res.verdict = Verdict::Error;
    res.error = e.what();
    const auto late = WakeupLateness::process().max_late_ns(res.started_t_ns, monotonic_ns());
    if (auto d = overloaded_setup(late, distortion_limits(machine_hz()))) {
      res.verdict = Verdict::Distorted;
      res.distortions.push_back(d->text);
    }
    keep_partial_capture(capture_file, res);
  } catch (const std::exception& e) {
    res.verdict = Verdict::Error;
    res.error = e.what();
    keep_partial_capture(capture_file, res);
  }
  res.duration_ms = double(monotonic_ns() - res.started_t_ns) / 1e6;
  return res;
}

}  // namespace crashlab::runner
