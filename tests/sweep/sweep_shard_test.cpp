// --shard, sweep.json and --merge without running anything: the shares cover every
// run once, identities compare field by field, and three shard folders of result
// files (docs/results.md, written by the real writer) merge into the summary the
// whole sweep's runs give.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"
#include "runner/result/result_json.hpp"
#include "runner/sweep/merge.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::sweep;
namespace fs = std::filesystem;

namespace {
const std::string kCase = CRASHLAB_SOURCE_DIR "/cases/host-crash/send.json";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

SweepIdentity identity(const std::vector<std::string>& sets, const std::string& vary, size_t repeat) {
  CaseSpec spec = load_case(kCase);
  for (const auto& s : sets) apply_override(spec, s);
  SweepIdentity id;
  id.case_path = kCase;
  id.case_name = spec.name;
  id.case_content = read_case_json(kCase);
  id.case_hash = case_hash(id.case_content, spec);
  id.sets = sets;
  id.vary_given = {vary};
  id.varies = {parse_vary(vary)};
  id.repeat = repeat;
  id.kernel = "6.18.0-test";
  id.version = "test";
  return id;
}

// A run's result as the runner writes it: the watched side's detection and errno.
CaseResult synthetic_result(size_t point, size_t r, double predicted_ms) {
  CaseResult res;
  res.name = "host-crash/send";
  res.basename = "host-crash-send-p" + std::to_string(point) + "-r" + std::to_string(r);
  const bool detected = (point + r) % 4 != 3;  // some repeats see nothing and fail
  res.verdict = detected ? Verdict::Pass : Verdict::Fail;
  SideResult server;
  if (detected) {
    server.detected_after_ms = predicted_ms + 40.0 * double(r + 1) + double(point);
    server.error = *Outcome::parse("ETIMEDOUT");
  }
  res.sides[Role::Server] = server;
  SideResult client;
  client.alive = false;
  res.sides[Role::Client] = client;
  return res;
}

struct TempDir {
  fs::path path = fs::path(testing::TempDir()) /
                  ("sweep-shard-" + std::to_string(::getpid()) + "-" +
                   testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { fs::remove_all(path); fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST(Shard, ParsesKOfNAndRefusesTheRest) {
  EXPECT_EQ(parse_shard("2/3"), (Shard{2, 3}));
  EXPECT_EQ(parse_shard("1/1"), (Shard{1, 1}));
  for (const char* bad : {"0/3", "4/3", "x/y", "3", "1/0", "/3", "1/", "-1/3", "1/3/5", "2 /3"}) {
    const std::string e = error_of([&] { parse_shard(bad); });
    EXPECT_EQ(e.rfind(std::string("--shard ") + bad, 0), 0u) << bad << ": " << e;
  }
}

TEST(Shard, EveryRunExactlyOnceAndBalanced) {
  for (size_t points : {1u, 2u, 7u, 12u})
    for (size_t repeat : {1u, 2u, 5u})
      for (size_t n : {1u, 2u, 3u, 4u, 20u}) {
        std::vector<size_t> per_shard(n, 0);
        for (size_t i = 0; i < points; ++i) {
          size_t owned_total = 0;
          for (size_t k = 1; k <= n; ++k) owned_total += runs_owned({k, n}, i, repeat);
          EXPECT_EQ(owned_total, repeat) << "point " << i << " of " << points << ", " << n << " shards";
          for (size_t r = 0; r < repeat; ++r) {
            size_t owners = 0;
            for (size_t k = 1; k <= n; ++k)
              if (owns({k, n}, i, r, repeat)) owners++, per_shard[k - 1]++;
            EXPECT_EQ(owners, 1u) << "run " << i << "/" << r << " with " << n << " shards";
          }
        }
        const auto [lo, hi] = std::minmax_element(per_shard.begin(), per_shard.end());
        EXPECT_LE(*hi - *lo, 1u) << points << " points x " << repeat << " over " << n;
      }
}

TEST(SweepIdentity, RoundTripsThroughSweepJson) {
  SweepIdentity id = identity({"server.sysctl.net.ipv4.tcp_retries2=4"}, "client.sysctl.net.ipv4.tcp_retries2=1..3", 2);
  id.window_ms = 12000;
  id.shard = Shard{2, 3};
  SweepIdentity back = identity_from_json(identity_json(id), "sweep.json");
  EXPECT_EQ(identity_json(back), identity_json(id));
  EXPECT_TRUE(differences(id, back, Use::Resume, false).empty());
  nlohmann::json bad = identity_json(id);
  bad["shard"] = "4/3";
  EXPECT_NE(error_of([&] { identity_from_json(bad, "d/sweep.json"); }).find("d/sweep.json: shard: --shard 4/3"),
            std::string::npos);
  bad = identity_json(id);
  bad["extra"] = 1;
  EXPECT_NE(error_of([&] { identity_from_json(bad, "d/sweep.json"); }).find("extra: unknown key"), std::string::npos);
}

TEST(SweepIdentity, TheCaseHashIsTheContentAfterSet) {
  const nlohmann::json content = read_case_json(kCase);
  CaseSpec as_file = load_case(kCase), set_same = as_file, set_other = as_file;
  apply_override(set_same, "server.sysctl.net.ipv4.tcp_retries2=3");  // the file's own value
  apply_override(set_other, "server.sysctl.net.ipv4.tcp_retries2=5");
  EXPECT_EQ(case_hash(content, as_file), case_hash(content, set_same));
  EXPECT_NE(case_hash(content, as_file), case_hash(content, set_other));
  nlohmann::json edited = content;
  edited["window_ms"] = 9001;
  EXPECT_NE(case_hash(edited, as_file), case_hash(content, as_file));
}

TEST(SweepIdentity, WhichDifferencesRefuse) {
  const SweepIdentity a = identity({}, "server.sysctl.net.ipv4.tcp_retries2=1..3", 2);
  const auto only = [](const std::vector<Difference>& ds) {
    EXPECT_EQ(ds.size(), 1u);
    return ds.empty() ? Difference{"(none)", "", "", false} : ds.front();
  };
  SweepIdentity b = a;
  b.kernel = "6.1.0";
  EXPECT_TRUE(only(differences(a, b, Use::Resume, false)).refused);
  EXPECT_TRUE(only(differences(a, b, Use::Merge, false)).refused);
  EXPECT_FALSE(only(differences(a, b, Use::Merge, true)).refused);
  b = identity({"server.sysctl.net.ipv4.tcp_retries2=5"}, "server.sysctl.net.ipv4.tcp_retries2=1..3", 2);
  EXPECT_EQ(differences(a, b, Use::Resume, false).size(), 2u);  // the --set list and the case after it
  b = a;
  b.varies = {parse_vary("server.sysctl.net.ipv4.tcp_retries2=1..4")};
  Difference d = only(differences(a, b, Use::Merge, true));
  EXPECT_EQ(d.field, "--vary");
  EXPECT_TRUE(d.refused);  // --allow-mixed never mixes grids
  b = a;
  b.vary_given = {"server.sysctl.net.ipv4.tcp_retries2=1,2,3"};  // the same grid, typed otherwise
  EXPECT_TRUE(differences(a, b, Use::Resume, false).empty());
  b = a;
  b.repeat = 3;
  EXPECT_FALSE(only(differences(a, b, Use::Resume, false)).refused);  // more repeats into the same folder
  EXPECT_TRUE(only(differences(a, b, Use::Merge, true)).refused);     // the shares depend on it
  b = a;
  b.version = "other";
  EXPECT_FALSE(only(differences(a, b, Use::Merge, false)).refused);
}

namespace {
// A sweep of 4 points x 2 repeats written as three shard folders, each with its
// sweep.json and the result files of its own runs; `whole` gets every run's outcome.
struct ShardedSweep {
  TempDir tmp;
  SweepIdentity id = identity({}, "server.sysctl.net.ipv4.tcp_retries2=1..4", 2);
  std::vector<PlannedPoint> points = plan_points(load_case(kCase), id.varies);
  std::vector<std::vector<RepeatOutcome>> whole = std::vector<std::vector<RepeatOutcome>>(points.size());
  std::vector<std::string> dirs;

  ShardedSweep() {
    for (size_t k = 1; k <= 3; ++k) {
      dirs.push_back((tmp.path / ("shard" + std::to_string(k))).string());
      fs::create_directories(dirs.back());
      SweepIdentity s = id;
      s.shard = Shard{k, 3};
      write_identity(dirs.back(), s);
    }
    for (size_t i = 0; i < points.size(); ++i)
      for (size_t r = 0; r < id.repeat; ++r) {
        const CaseResult res = synthetic_result(i, r, *points[i].model.predicted_ms);
        whole[i].push_back(repeat_outcome(to_json(res), Role::Server));
        for (size_t k = 1; k <= 3; ++k)
          if (owns({k, 3}, i, r, id.repeat)) write_result(res, (fs::path(dirs[k - 1]) / points[i].point.name()).string());
      }
  }
};

nlohmann::json summary_of(const std::vector<PlannedPoint>& points, const std::vector<std::vector<RepeatOutcome>>& runs) {
  std::vector<PointSummary> s;
  for (size_t i = 0; i < points.size(); ++i) s.push_back(summarize(points[i].point, runs[i], points[i].model));
  return summary_json("host-crash/send", Role::Server, s);
}
}  // namespace

TEST(SweepMerge, ThreeShardFoldersGiveTheWholeSweepsSummary) {
  ShardedSweep sweep;
  // Given in any order: the shards are put back in order 1..3.
  MergedSweep m = merge_folders({sweep.dirs[2], sweep.dirs[0], sweep.dirs[1]}, false);
  EXPECT_TRUE(m.incomplete.empty());
  EXPECT_TRUE(m.notes.empty());
  EXPECT_FALSE(m.identity.shard);
  EXPECT_EQ(m.identity.merged_from.size(), 3u);
  ASSERT_EQ(m.points.size(), sweep.points.size());
  std::vector<std::vector<RepeatOutcome>> merged(m.points.size());
  size_t runs = 0;
  for (size_t i = 0; i < m.points.size(); ++i)
    for (const PointResult& r : m.results[i]) merged[i].push_back(r.outcome), runs++;
  EXPECT_EQ(runs, 8u);
  const nlohmann::json want = summary_of(sweep.points, sweep.whole), got = summary_of(m.points, merged);
  EXPECT_EQ(got.dump(2), want.dump(2));
  EXPECT_EQ(want["points"][3]["n"], 2);  // the comparison is not between two empty summaries
}

TEST(SweepMerge, OverlappingMissingOrForeignShardsAreRefused) {
  ShardedSweep sweep;
  const std::string copy = (sweep.tmp.path / "shard2-again").string();
  fs::copy(sweep.dirs[1], copy, fs::copy_options::recursive);
  std::string e = error_of([&] { merge_folders({sweep.dirs[0], sweep.dirs[1], copy, sweep.dirs[2]}, false); });
  EXPECT_NE(e.find(sweep.dirs[1] + " and " + copy + " both hold shard 2/3"), std::string::npos) << e;
  e = error_of([&] { merge_folders({sweep.dirs[0], sweep.dirs[1]}, false); });
  EXPECT_NE(e.find("shard 3/3 is missing"), std::string::npos) << e;
  e = error_of([&] { merge_folders({sweep.dirs[0], (sweep.tmp.path / "nowhere").string()}, false); });
  EXPECT_NE(e.find("nowhere: no sweep.json"), std::string::npos) << e;

  SweepIdentity other = *read_identity(sweep.dirs[2]);
  other.kernel = "6.1.0";
  write_identity(sweep.dirs[2], other);
  e = error_of([&] { merge_folders(sweep.dirs, false); });
  EXPECT_NE(e.find(sweep.dirs[0] + " and " + sweep.dirs[2] + " are from different sweeps: kernel differs"), std::string::npos)
      << e;
  EXPECT_NE(e.find("--allow-mixed"), std::string::npos) << e;
  MergedSweep mixed = merge_folders(sweep.dirs, true);
  ASSERT_EQ(mixed.notes.size(), 1u);
  EXPECT_NE(mixed.notes[0].find("kernel differs"), std::string::npos);

  other.repeat = 3;
  write_identity(sweep.dirs[2], other);
  e = error_of([&] { merge_folders(sweep.dirs, true); });
  EXPECT_NE(e.find("--repeat differs"), std::string::npos) << e;
}

TEST(SweepMerge, APointWithFewerResultsIsReportedIncomplete) {
  ShardedSweep sweep;
  // Run 0 of point 0 belongs to shard 1: take its result away.
  const fs::path point_dir = fs::path(sweep.dirs[0]) / sweep.points[0].point.name();
  ASSERT_TRUE(owns({1, 3}, 0, 0, 2));
  fs::remove_all(point_dir);
  MergedSweep m = merge_folders(sweep.dirs, false);
  ASSERT_EQ(m.incomplete.size(), 1u);
  EXPECT_EQ(m.incomplete[0], sweep.points[0].point.name() + ": 0 of 1 run(s) in " + sweep.dirs[0] + " (shard 1/3)");
  EXPECT_EQ(m.results[0].size(), 1u);
}
