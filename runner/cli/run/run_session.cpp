#include "runner/cli/run/run_session.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "runner/judge/distortion.hpp"
#include "runner/predict/planned.hpp"
#include "runner/run/run_case.hpp"
#include "runner/run/plan/window.hpp"
#include "runner/cli/exit_code.hpp"
#include "runner/cli/run/interrupt.hpp"
#include "runner/cli/output/junit.hpp"
#include "runner/cli/output/repeat_summary.hpp"
#include "runner/cli/output/ktap.hpp"
#include "runner/cli/output/terminal.hpp"
#include "runner/cli/output/text_wrap.hpp"
#include "runner/run/environment.hpp"
#include "runner/result/result_json.hpp"

namespace crashlab::runner::cli {

namespace {
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);  // how soon Ctrl-C is noticed
}

RunSession::RunSession(std::vector<const CaseSpec*> queue, const Options& opts, std::string folder)
    : queue_(std::move(queue)),
      opts_(opts),
      folder_(std::move(folder)),
      style_{terminal_width(STDOUT_FILENO), use_color(opts.color, STDOUT_FILENO)},
      start_(std::chrono::steady_clock::now()),
      results_(queue_.size()),
      blocks_(queue_.size()),
      progress_(queue_.size(), !opts.quiet && !opts.no_progress && can_redraw(STDERR_FILENO)),
      admission_(Admission::late_limit_ms(machine_hz()), Admission::cores()) {}

int RunSession::execute() {
  const std::string banner = wrap_lines(environment_banner(), style_.width, 4);
  if (opts_.tap) progress_.print(ktap_header(queue_.size()) + ktap_comment(banner));
  else if (!opts_.quiet) progress_.print(banner);
  const size_t jobs = opts_.jobs > 0 ? size_t(opts_.jobs) : queue_.size();
  std::vector<std::thread> pool;
  // Each case runs start to end on one worker thread: its endpoints' PR_SET_PDEATHSIG
  // is tied to the thread that started them.
  for (size_t j = 0; j < std::min(jobs, queue_.size()); ++j) pool.emplace_back([this] { worker(); });
  std::unique_lock lk(mu_);
  while (finished_ < queue_.size() && !interrupted()) cv_.wait_for(lk, kInterruptCheck);
  if (interrupted() && finished_ < queue_.size()) {
    finish(true);
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code(ExitCode::Interrupted));  // running cases are abandoned, see the header
  }
  lk.unlock();
  for (auto& t : pool) t.join();
  lk.lock();
  return finish(interrupted());
}

void RunSession::worker() {
  for (;;) {
    size_t i;
    {
      std::lock_guard lk(mu_);
      if (stopping_ || interrupted() || next_ >= queue_.size()) return;
      i = next_++;
    }
    auto running = admission_.admit([this] { return stopping_ || interrupted(); });
    if (!running) return;
    const ObservationWindow window = observation_window(*queue_[i], plan(*queue_[i]), opts_.window_ms);
    progress_.started(i, queue_[i]->name, double(window.ms) / 1000);
    CaseResult r = run_case(*queue_[i], RunOptions{folder_, opts_.pcap, opts_.window_ms, [&] { running->ran_up(); }});
    std::lock_guard lk(mu_);
    if (stopping_) return;  // the run was interrupted and reported: too late to count
    record(i, std::move(r));
    cv_.notify_all();
  }
}

void RunSession::record(size_t i, CaseResult r) {
  std::string written;
  try {
    written = write_result(r, folder_);
  } catch (const std::exception& e) {
    written = std::string("(not written: ") + e.what() + ")";
    unwritten_.push_back(r.name + ": " + e.what());
  }
  std::string block = block_for(i, r, written);
  results_[i] = std::move(r);
  ++finished_;
  progress_.finished(i);
  progress_.print(blocks_.add(i, std::move(block)));
}

std::string RunSession::block_for(size_t i, const CaseResult& r, const std::string& written) {
  if (opts_.quiet && !opts_.tap) return "";
  RowStyle plain = style_;
  plain.color = plain.color && !opts_.tap;
  // File names only: the run's folder is named once, under the summary.
  const auto here = [](const std::string& p) {
    return p.rfind("(not written", 0) == 0 ? p : std::filesystem::path(p).filename().string();
  };
  std::string block = render_case(r, plain) + wrap("   result: " + here(written), style_.width, 6);
  if (r.pcap) block += wrap("   capture: " + here(*r.pcap), style_.width, 6);
  return opts_.tap ? ktap_case(i + 1, r, block) : block;
}

std::vector<const CaseResult*> RunSession::finished_results() const {
  std::vector<const CaseResult*> out;
  for (const auto& r : results_) out.push_back(r ? &*r : nullptr);
  return out;
}

int RunSession::finish(bool was_interrupted) {
  stopping_ = true;
  std::string rest = blocks_.release_rest([this](size_t i) {
    return opts_.tap ? ktap_skip(i + 1, queue_[i]->name, "interrupted before it finished") : "";
  });
  progress_.stop();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  RunSummary summary{{}, queue_.size(), wall_s, was_interrupted, unwritten_};
  for (const CaseResult* r : finished_results())
    if (r) summary.finished.push_back(r);
  bool junit_failed = false;
  if (opts_.junit) {
    std::vector<std::string> names;
    for (const CaseSpec* s : queue_) names.push_back(s->name);
    std::ofstream out(*opts_.junit);
    out << junit_xml(names, finished_results(), wall_s);
    if (!out.flush()) {
      junit_failed = true;
      summary.unwritten.push_back("JUnit report " + *opts_.junit);
    }
  }
  std::string text = opts_.quiet ? "" : render_repeat_summary(summary.finished, style_);
  text += render_summary(summary, opts_.tap ? RowStyle{style_.width, false} : style_);
  if (const int held = admission_.held_back(); held > 0 && !opts_.quiet) {
    char waited[32];
    std::snprintf(waited, sizeof waited, "%.1f s", admission_.held_back_ms() / 1000);
    text += wrap(std::to_string(held) + (held == 1 ? " case" : " cases") + " waited " + waited +
                     " in all for the machine to keep up (kernel timers were running more than a tick late)",
                 style_.width, 4);
  }
  text += wrap("results: " + folder_ + "/", style_.width, 4);
  std::cout << rest << (opts_.tap ? ktap_comment(text) : text) << std::flush;
  if (was_interrupted) return code(ExitCode::Interrupted);
  bool all_pass = summary.finished.size() == queue_.size() && summary.unwritten.empty() && !junit_failed;
  for (const CaseResult* r : summary.finished) all_pass = all_pass && r->passed();
  return code(all_pass ? ExitCode::AllPassed : ExitCode::CaseFailed);
}

}  // namespace crashlab::runner::cli
