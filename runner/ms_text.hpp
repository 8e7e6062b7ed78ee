#pragma once
#include <cstdio>
#include <string>

namespace crashlab::runner {

// "6652.1 ms" (decimals 1) or "6652 ms" (decimals 0).
inline std::string ms_text(double ms, int decimals = 1) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f ms", decimals, ms);
  return b;
}

}  // namespace crashlab::runner
