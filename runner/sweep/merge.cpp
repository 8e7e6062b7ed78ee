#include "runner/sweep/merge.hpp"

#include <filesystem>
#include <map>

namespace crashlab::runner::sweep {

namespace {
namespace fs = std::filesystem;

struct Folder {
  std::string dir;
  SweepIdentity id;
  Shard shard;  // 1/1 for a whole sweep's folder
};

std::vector<Folder> read_folders(const std::vector<std::string>& dirs) {
  std::vector<Folder> out;
  for (const std::string& d : dirs) {
    auto id = read_identity(d);
    if (!id) throw InputError("--merge " + d + ": no " + kIdentityFile + " (not a sweep folder)");
    out.push_back({d, *id, id->shard.value_or(Shard{})});
  }
  return out;
}

void check_same_sweep(const std::vector<Folder>& folders, bool allow_mixed, std::vector<std::string>& notes) {
  const Folder& first = folders.front();
  for (size_t i = 1; i < folders.size(); ++i) {
    std::string refused;
    bool mixable = true;
    for (const Difference& d : differences(first.id, folders[i].id, Use::Merge, allow_mixed)) {
      const std::string what =
          d.field + " differs (" + first.dir + ": " + d.ours + "; " + folders[i].dir + ": " + d.theirs + ")";
      if (!d.refused) {
        notes.push_back("--merge " + first.dir + " and " + folders[i].dir + ": " + what);
        continue;
      }
      refused += (refused.empty() ? "" : "; ") + what;
      mixable = mixable && d.mixable;
    }
    if (!refused.empty())
      throw InputError("--merge " + first.dir + " and " + folders[i].dir + " are from different sweeps: " + refused +
                       (mixable ? "; --allow-mixed merges them anyway" : "; folders of different grids cannot be merged"));
  }
}

// Every share 1..N exactly once: returns the folders in shard order.
std::vector<const Folder*> by_shard(const std::vector<Folder>& folders, const std::vector<PlannedPoint>& points,
                                    size_t repeat) {
  const size_t n = folders.front().shard.n;
  std::map<size_t, const Folder*> held;
  for (const Folder& f : folders) {
    if (f.shard.n != n)
      throw InputError("--merge: " + folders.front().dir + " is shard " + shard_text(folders.front().shard) + " but " +
                       f.dir + " is shard " + shard_text(f.shard) + ": different shard counts");
    auto [at, fresh] = held.emplace(f.shard.k, &f);
    if (!fresh)
      throw InputError("--merge: " + at->second->dir + " and " + f.dir + " both hold shard " + shard_text(f.shard) +
                       " (overlapping: every run would count twice)");
  }
  std::vector<const Folder*> out;
  for (size_t k = 1; k <= n; ++k) {
    if (held.count(k)) {
      out.push_back(held.at(k));
      continue;
    }
    std::string whose;
    size_t runs = 0, named = 0;
    for (size_t i = 0; i < points.size(); ++i)
      if (size_t r = runs_owned({k, n}, i, repeat)) {
        runs += r;
        if (named++ < 4) whose += (whose.empty() ? "" : ", ") + points[i].point.name();
      }
    if (runs == 0) continue;  // more shards than runs: this one had nothing to do
    throw InputError("--merge: shard " + shard_text({k, n}) + " is missing (its " + std::to_string(runs) +
                     " run(s): " + whose + (named > 4 ? ", ..." : "") + "); give its folder too");
  }
  return out;
}
}  // namespace

MergedSweep merge_folders(const std::vector<std::string>& dirs, bool allow_mixed) {
  if (dirs.empty()) throw InputError("--merge needs at least one folder");
  const std::vector<Folder> folders = read_folders(dirs);
  MergedSweep m;
  check_same_sweep(folders, allow_mixed, m.notes);
  m.identity = folders.front().id;
  m.identity.shard.reset();
  m.identity.merged_from = dirs;
  m.base = case_of(m.identity, (fs::path(folders.front().dir) / kIdentityFile).string());
  m.points = plan_points(m.base, m.identity.varies, m.identity.window_ms);
  const size_t repeat = m.identity.repeat;
  const std::vector<const Folder*> shards = by_shard(folders, m.points, repeat);
  const Role watched = watched_side(m.base);
  m.results.resize(m.points.size());
  for (size_t i = 0; i < m.points.size(); ++i)
    for (const Folder* f : shards) {
      const size_t want = runs_owned(f->shard, i, repeat);
      if (want == 0) continue;
      const std::string name = m.points[i].point.name();
      std::vector<PointResult> got = point_results((fs::path(f->dir) / name).string(), watched, want);
      if (got.size() < want)
        m.incomplete.push_back(name + ": " + std::to_string(got.size()) + " of " + std::to_string(want) + " run(s) in " +
                               f->dir + " (shard " + shard_text(f->shard) + ")");
      m.results[i].insert(m.results[i].end(), got.begin(), got.end());
    }
  return m;
}

}  // namespace crashlab::runner::sweep
