#pragma once
#include <string>
#include <vector>

namespace crashlab {

// Where the endpoint program is, first match wins: $CRASHLAB_ENDPOINT; beside the
// running program (the build tree, where crashlab, the tests and the benchmarks sit
// next to it); where `cmake --install` puts it relative to the program
// (../libexec/crashlab/ by default). Nothing is baked in at build time, so an installed or moved tree works.
// Throws std::runtime_error naming every place it looked.
std::string endpoint_binary();

// The candidates for a program at `self` (its resolved path), in lookup order.
std::vector<std::string> endpoint_candidates(const std::string& self);

}  // namespace crashlab
