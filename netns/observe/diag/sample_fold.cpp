#include "netns/observe/diag/sample_fold.hpp"

#include <set>

namespace crashlab {

namespace {
constexpr int kClose = 7, kListen = 10;
std::string key_of(const SockEntry& e) { return ConnKey{e.saddr, e.sport, e.daddr, e.dport}.text(); }
}  // namespace

bool fold_dumps(std::map<std::string, SampledTrack>& tracks, const std::vector<NamespaceDump>& dumps, int64_t now_ns) {
  bool changed = false;
  std::set<std::string> seen;
  std::set<ino_t> unknown;  // namespaces whose dump failed
  for (const NamespaceDump& d : dumps) {
    if (!d.sockets) {
      unknown.insert(d.ns);
      continue;
    }
    for (const SockEntry& e : *d.sockets) {
      if (e.state == kListen) continue;
      const std::string k = key_of(e);
      seen.insert(k);
      SampledTrack& t = tracks[k];
      if (t.states.empty() || t.states.back().state != e.state) {
        t.states.push_back({now_ns, e.state});
        changed = true;
      }
      t.last = e;
      t.ns = d.ns;
      t.present = true;
    }
  }
  for (auto& [k, t] : tracks) {
    if (!t.present || seen.count(k) || unknown.count(t.ns)) continue;
    t.present = false;
    if (t.states.back().state != kClose) {
      t.states.push_back({now_ns, kClose});
      changed = true;
    }
  }
  return changed;
}

}  // namespace crashlab
