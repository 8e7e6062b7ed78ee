#pragma once
// `--shard K/N`: which of a sweep's point x repeat runs one machine does. The
// share follows from the expanded grid alone (the run's index modulo N), so N
// machines given the same command cover every run exactly once. Pure.
#include <cstddef>
#include <string>

namespace crashlab::runner::sweep {

struct Shard {
  size_t k = 1, n = 1;  // the K-th (1-based) of N shares; 1/1 is the whole sweep
  bool operator==(const Shard&) const = default;
};

// "2/3" -> {2, 3}. Throws InputError naming --shard and what is wrong (0/3, 4/3, x/y).
Shard parse_shard(const std::string& text);
std::string shard_text(Shard s);  // "2/3"

// Run `r` (0-based) of point `point` among `repeat` per point: index point*repeat+r.
bool owns(Shard s, size_t point, size_t r, size_t repeat);
// How many of a point's repeats the shard runs.
size_t runs_owned(Shard s, size_t point, size_t repeat);

}  // namespace crashlab::runner::sweep
