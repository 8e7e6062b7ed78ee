#pragma once
// What makes a sweep the sweep it is, as DIR/sweep.json records it: the case (its
// path, its content and a hash of its content after --set), the --set and --vary
// lists, --repeat, --window, the kernel, crashlab's version and the shard. A
// resumed sweep and a merge compare identities field by field (one table).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runner/case/case_spec.hpp"
#include "runner/sweep/grid.hpp"
#include "runner/sweep/shard.hpp"

namespace crashlab::runner::sweep {

struct SweepIdentity {
  std::string case_path, case_name;
  nlohmann::json case_content;  // the case file as parsed, before --set
  std::string case_hash;        // "fnv1a64:<hex>" of the content after --set
  std::vector<std::string> sets;
  std::vector<std::string> vary_given;  // as typed: "server.sysctl.net.ipv4.tcp_retries2=1..3"
  std::vector<Vary> varies;             // as expanded
  size_t repeat = 1;
  std::optional<int64_t> window_ms;
  std::string kernel, version;
  std::optional<Shard> shard;             // none: the whole sweep
  std::vector<std::string> merged_from;   // a merged folder: the folders it came from
};

// The hash of a case's canonical content after --set: the file's JSON with its
// sysctls and sockets replaced by the ones `effective` (the parsed case with the
// overrides applied) holds, keys sorted. Pure.
std::string case_hash(const nlohmann::json& file_content, const CaseSpec& effective);

// The case the identity names: its content parsed, then its --set applied.
// Throws InputError naming `source` (e.g. "DIR/sweep.json") and the field.
CaseSpec case_of(const SweepIdentity& id, const std::string& source);

nlohmann::json identity_json(const SweepIdentity& id);
// Throws InputError naming `file` and the field.
SweepIdentity identity_from_json(const nlohmann::json& j, const std::string& file);

// Resume: the folder must hold the same sweep (a changed --repeat is allowed: it
// adds or keeps runs). Merge: --vary and --repeat must match (they decide the
// shares); case, --set, --window and kernel only without --allow-mixed.
enum class Use { Resume, Merge };
struct Difference {
  std::string field, ours, theirs;
  bool refused = true;   // false: only worth a note (crashlab's version, or let through by --allow-mixed)
  bool mixable = false;  // --allow-mixed would let it through
};
std::vector<Difference> differences(const SweepIdentity& ours, const SweepIdentity& theirs, Use use, bool allow_mixed);

}  // namespace crashlab::runner::sweep
