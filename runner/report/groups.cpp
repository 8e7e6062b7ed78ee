#include "runner/report/groups.hpp"

#include <algorithm>

namespace crashlab::runner::report {

Tally tally(const std::vector<Result>& rs, const std::vector<size_t>& which) {
  Tally t;
  for (size_t i : which) {
    switch (rs.at(i).verdict) {
      case Verdict::Pass: ++t.passed; break;
      case Verdict::Fail: ++t.failed; break;
      case Verdict::Distorted: ++t.distorted; break;
      case Verdict::Error: ++t.errors; break;
    }
  }
  return t;
}

Tally tally(const std::vector<Result>& rs) {
  std::vector<size_t> all(rs.size());
  for (size_t i = 0; i < rs.size(); ++i) all[i] = i;
  return tally(rs, all);
}

std::vector<Group> group_runs(const std::vector<Result>& rs) {
  std::vector<Group> groups;
  for (size_t i = 0; i < rs.size(); ++i) {
    auto same = std::find_if(groups.begin(), groups.end(),
                             [&](const Group& g) { return g.name == rs[i].name && g.set == rs[i].set; });
    if (same == groups.end()) groups.push_back({rs[i].name, rs[i].set, {i}});
    else same->runs.push_back(i);
  }
  return groups;
}

std::vector<SideSpread> side_spreads(const std::vector<Result>& rs, const Group& g) {
  std::vector<SideSpread> out;
  std::map<std::string, std::vector<double>> detected;
  for (size_t i : g.runs)
    for (const Side& s : rs.at(i).sides) {
      if (!s.alive) continue;
      auto it = std::find_if(out.begin(), out.end(), [&](const SideSpread& x) { return x.role == s.role; });
      if (it == out.end()) it = out.insert(out.end(), SideSpread{s.role, 0, std::nullopt, {}});
      ++it->runs;
      ++it->errors[s.error.empty() ? "none" : s.error];
      if (s.detected) detected[s.role].push_back(*s.detected);
    }
  for (SideSpread& s : out) s.detected = spread(detected[s.role]);
  return out;
}

}  // namespace crashlab::runner::report
