#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "netns/undo/undo_agent.hpp"
#include "runner/case/case_spec.hpp"
#include "runner/run/measurement.hpp"

namespace crashlab::runner {

// Where the run stage's packet capture went: a file (always written where a packet
// socket can be opened, so a failed case keeps it) or why there is none or what it missed.
struct CaptureOutcome {
  std::optional<std::filesystem::path> file;
  std::string note;
  // Whose every segment passes where it is taken: both sides on a switch; in the
  // router topology only the client's (the router may drop the server's before its port).
  std::vector<Role> sides_seen_whole;
  // Removes the file if the runner dies before it was either kept with its result or
  // deleted (shared: results are copied about).
  std::shared_ptr<UndoHandle> removal_if_abandoned;
};

struct RunStage {
  Measurement measurement;
  CaptureOutcome capture;
};

// Builds the case's world, connects, injects the fault, performs the actions,
// waits until the expectations are settled or the window closes, and collects
// what happened. Throws for infrastructure errors; the world is torn down
// before it returns either way.
// ran_up, if set, is called once the fault is injected.
RunStage measure(const CaseSpec& spec, const std::filesystem::path& capture_file,
                 const std::function<void()>& ran_up = {});

}  // namespace crashlab::runner
