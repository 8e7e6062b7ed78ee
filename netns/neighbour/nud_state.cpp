#include "netns/neighbour/nud_state.hpp"

#include <linux/neighbour.h>

namespace crashlab {

namespace {
struct NudRow {
  NudState state;
  uint16_t bit;
  const char* name;
};
constexpr NudRow kNud[] = {
    {NudState::None, NUD_NONE, "NONE"},           {NudState::Incomplete, NUD_INCOMPLETE, "INCOMPLETE"},
    {NudState::Reachable, NUD_REACHABLE, "REACHABLE"}, {NudState::Stale, NUD_STALE, "STALE"},
    {NudState::Delay, NUD_DELAY, "DELAY"},         {NudState::Probe, NUD_PROBE, "PROBE"},
    {NudState::Failed, NUD_FAILED, "FAILED"},      {NudState::NoArp, NUD_NOARP, "NOARP"},
    {NudState::Permanent, NUD_PERMANENT, "PERMANENT"},
};
}  // namespace

NudState nud_state_from_kernel(uint16_t nud) {
  for (const NudRow& r : kNud)
    if (r.bit != NUD_NONE && (nud & r.bit)) return r.state;
  return NudState::None;
}

uint16_t nud_state_to_kernel(NudState s) {
  for (const NudRow& r : kNud)
    if (r.state == s) return r.bit;
  return NUD_NONE;
}

const char* nud_state_name(NudState s) {
  for (const NudRow& r : kNud)
    if (r.state == s) return r.name;
  return "NONE";
}

std::optional<NudState> nud_state_from_name(const std::string& name) {
  for (const NudRow& r : kNud)
    if (name == r.name) return r.state;
  return std::nullopt;
}

}  // namespace crashlab
