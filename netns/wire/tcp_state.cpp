#include "netns/wire/tcp_state.hpp"

#include <array>

namespace crashlab {
namespace {
constexpr std::array<const char*, 13> kNames = {
    "STATE0",    "ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
    "CLOSE",     "CLOSE_WAIT",  "LAST_ACK", "LISTEN",     "CLOSING",   "NEW_SYN_RECV"};
}

std::string tcp_state_name(int state) {
  if (state > 0 && state < int(kNames.size())) return kNames[state];
  return "STATE" + std::to_string(state);
}

int tcp_state_from_name(const std::string& name) {
  for (int i = 1; i < int(kNames.size()); ++i)
    if (name == kNames[i]) return i;
  return -1;
}

}  // namespace crashlab
