#pragma once
// `crashlab advise --format json` (docs/advise.md documents every field).
#include <nlohmann/json.hpp>

#include "runner/advise/advice.hpp"

namespace crashlab::runner::advise {

nlohmann::json side_json(const SideOutcome& o, const Request& r);
nlohmann::json candidate_json(const Candidate& c, const Request& r);
nlohmann::json to_json(const Advice& a);

}  // namespace crashlab::runner::advise
