#pragma once
#include "runner/case/case_spec.hpp"
#include "runner/judge/judge.hpp"
#include "runner/predict/prediction_input.hpp"
#include "runner/result/case_result.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// A result as far as the spec alone fills it: what every result carries, also
// one whose case could not run.
CaseResult result_for(const CaseSpec& spec);

// Fills `res` from the pipeline's stages. Pure.
void assemble_result(const CaseSpec& spec, const Measurement& m, const Predictions& predicted, const Judgement& j,
                     CaseResult& res);

}  // namespace crashlab::runner
