#pragma once
#include <string>

namespace crashlab {

// Kernel TCP state numbers (include/net/tcp_states.h) to the names ss(8) and the
// tracepoints use, e.g. 1 -> "ESTABLISHED", 7 -> "CLOSE". Unknown -> "STATE<n>".
std::string tcp_state_name(int state);
int tcp_state_from_name(const std::string& name);  // -1 if unknown

}  // namespace crashlab
