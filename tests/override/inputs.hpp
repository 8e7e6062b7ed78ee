#pragma once
// Which of the model's inputs matter for a shipped case, and which values of each
// to run it with: read from the one sysctl table, the socket-option table and the
// model's own pre-run prediction, never from a list of expected results. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/predict/prediction_input.hpp"

namespace crashlab::runner::override_test {

// One input of the model for one side, as --set names it, with the range the kernel accepts.
struct ModelInput {
  std::string key;  // "server.sysctl.net.ipv4.tcp_retries2", "client.socket.TCP_SYNCNT"
  int64_t lo = 0, hi = 0;
  bool set_by_case = false;
};

// The sysctls the model reads and the socket options it reads, for every side
// that expects "model".
std::vector<ModelInput> model_inputs(const CaseSpec& spec);

// Candidate values from lo to hi: every integer up to lo + 8, then 1-2-5 steps, then hi.
std::vector<int64_t> ladder(int64_t lo, int64_t hi);

// The model's pre-run view of one candidate.
struct Candidate {
  int64_t value = 0;
  std::string assignment;              // KEY=VALUE for --set
  std::optional<double> predicted_ms;  // the watched side's detection; nullopt: none
  std::string error;                   // what it predicts the application sees
  std::string signature;               // every model side's detection, error and schedule
  std::string refused;                 // why the pre-run check refuses it, or ""
  int64_t window_ms = 0;
};
// as_written: plan(spec), the prediction the case's hand-written expectations were written for.
Candidate evaluate(const CaseSpec& spec, const Predictions& as_written, const ModelInput& input, int64_t value);

// One run the test makes, and why its value was chosen.
struct ChosenRun {
  Candidate candidate;
  std::string why;  // "lowest", "shortest", "longest", "highest", "control"
};

// What the test does with one input of one case.
struct InputPlan {
  ModelInput input;
  std::vector<ChosenRun> runs;
  std::vector<Candidate> refused;  // candidates the pre-run check refuses (exit 2)
  std::string skipped;             // why it is not run at all, or ""
};

// For each input: the lowest accepted value, and where the input moves the
// prediction the values giving the shortest and the longest detection under
// `max_predicted_ms`; an input the case sets but that moves nothing runs at its
// lowest and highest value; one that moves nothing and the case leaves alone is
// skipped with the reason.
std::vector<InputPlan> plan_inputs(const CaseSpec& spec, double max_predicted_ms);

}  // namespace crashlab::runner::override_test
