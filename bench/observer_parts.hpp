#pragma once
#include <cstddef>

namespace crashlab::bench {

struct Workload {
  int connections;
  size_t bulk_bytes;
};

// Part 1: each observer mode's cost on the workload, interleaved round by round.
void overhead(int rounds, const Workload& w);
// Part 2: endpoint time minus kernel time per transition, over R rounds.
void skew(int rounds);

}  // namespace crashlab::bench
