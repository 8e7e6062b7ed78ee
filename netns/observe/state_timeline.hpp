#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace crashlab {

// One side's view of one connection: its local and remote ends.
struct ConnKey {
  std::string local_addr;
  uint16_t local_port = 0;
  std::string remote_addr;
  uint16_t remote_port = 0;
  std::string text() const;  // "10.77.0.2:41234 -> 10.77.0.1:5000"
  ConnKey reversed() const { return {remote_addr, remote_port, local_addr, local_port}; }
};
// "10.77.0.1:5000" or "[fd00:77::1]:5000" -> (addr, port); throws on malformed input.
std::pair<std::string, uint16_t> split_endpoint(const std::string& text);

struct StateAt {
  int64_t t_ns = 0;  // CLOCK_MONOTONIC
  int state = 0;     // kernel TCP state number
};

std::vector<std::string> state_names(const std::vector<StateAt>& states);

}  // namespace crashlab
