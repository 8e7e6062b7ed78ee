#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netns/observe/diag/sock_diag.hpp"
#include "netns/observe/state_timeline.hpp"

namespace crashlab {

// What one round of sampling got from one watched namespace: its sockets, or
// nothing when its sock_diag dump failed.
struct NamespaceDump {
  ino_t ns = 0;
  std::optional<std::vector<SockEntry>> sockets;  // nullopt: the dump failed
};

// One connection as the sampler tracks it, by the namespace it was seen in.
struct SampledTrack {
  std::vector<StateAt> states;
  SockEntry last;
  ino_t ns = 0;
  bool present = false;
};

// Folds one round of dumps (one per watched namespace) into the tracks, keyed by
// ConnKey::text(), at now_ns; true if a state changed. A socket missing from its
// namespace's dump, or whose namespace is no longer watched (a crashed host), is
// recorded CLOSE. A socket whose namespace's dump failed keeps its last state: a
// failed dump says nothing about it (a loaded soak once read a TIME_WAIT socket as
// gone, which a dump error treated as "no sockets" would explain). Listeners are
// not tracked. Pure.
bool fold_dumps(std::map<std::string, SampledTrack>& tracks, const std::vector<NamespaceDump>& dumps, int64_t now_ns);

}  // namespace crashlab
