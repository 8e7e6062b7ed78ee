#pragma once
// The search: the cheapest settings (fewest keepalive probes per healthy idle
// connection per hour) that the model says meet the deadline in the worst case and
// survive the outage, the more robust ones that cost more, ranked by cost.
#include <optional>
#include <vector>

#include "runner/advise/evaluate.hpp"

namespace crashlab::runner::advise {

struct Candidate {
  Settings settings;
  Evaluation eval;
};

struct SearchResult {
  std::optional<Candidate> proposal;  // nullopt: nothing searched meets the request
  std::vector<Candidate> alternatives;  // dearer, each surviving a longer outage than the one before
  int model_calls = 0;                  // how many times the model ran
  bool budget_exhausted = false;        // the search stopped at kMaxModelCalls
  // The grid searched: keepalive seconds and TCP_USER_TIMEOUT milliseconds.
  int keepalive_step_s = 1;
  int user_timeout_step_ms = 500;
};

// Past this many model runs the search stops with what it has (well under a second).
inline constexpr int kMaxModelCalls = 2500;
// ... and looks for dearer alternatives with at most this many more.
inline constexpr int kMaxAlternativeCalls = 300;
// The kernel's ranges: TCP_KEEPIDLE/TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127.
inline constexpr int kMaxKeepaliveS = 32767, kMaxKeepcnt = 127;

// The grids the search steps through for a deadline (coarser for longer ones).
int keepalive_step_s(int64_t deadline_ms);
int user_timeout_step_ms(int64_t deadline_ms);

// Ranks two candidates for the same request: cheaper first, then the longer
// tolerated outage, then the earlier worst-case detection.
bool better(const Candidate& a, const Candidate& b, const Request& r);

SearchResult search(const Request& r);

}  // namespace crashlab::runner::advise
