#pragma once
// "did you mean ...": the closest known word by edit distance.
#include <optional>
#include <string>
#include <vector>

namespace crashlab::runner::cli {

size_t edit_distance(const std::string& a, const std::string& b);
// The candidate closest to `word`, when it is close enough to be a plausible typo
// (at most 2 edits, and fewer edits than half the longer word).
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace crashlab::runner::cli
