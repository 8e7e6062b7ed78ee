#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace crashlab {

// A neighbour entry's state (NUD_* in <linux/neighbour.h>), typed. The kernel keeps
// one bit set at a time for a live entry; None is "no state" (NUD_NONE).
enum class NudState { None, Incomplete, Reachable, Stale, Delay, Probe, Failed, NoArp, Permanent };

NudState nud_state_from_kernel(uint16_t nud);
uint16_t nud_state_to_kernel(NudState s);
const char* nud_state_name(NudState s);  // "REACHABLE", as `ip neigh` prints it
std::optional<NudState> nud_state_from_name(const std::string& name);

}  // namespace crashlab
