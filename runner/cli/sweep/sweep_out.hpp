#pragma once
// The --out folder of a sweep or a merge, checked before anything is created: it
// may be new, empty, or hold the same sweep (which then resumes); a folder of
// another sweep, or a non-empty one without sweep.json, is refused.
#include <iosfwd>
#include <optional>
#include <string>

#include "runner/sweep/sweep_identity.hpp"

namespace crashlab::runner::cli {

// Why `dir` cannot take this sweep (naming the field that differs), or nullopt.
// Differences that do not refuse (crashlab's version, --repeat) go to `notes`.
// Throws InputError when DIR/sweep.json is not one.
std::optional<std::string> sweep_out_problem(const std::string& dir, const sweep::SweepIdentity& id, std::ostream& notes);

// Creates the folder and writes DIR/sweep.json. Throws std::runtime_error.
void start_sweep_folder(const std::string& dir, const sweep::SweepIdentity& id);

}  // namespace crashlab::runner::cli
