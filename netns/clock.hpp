#pragma once
#include <time.h>

#include <cstdint>

namespace crashlab {

// CLOCK_MONOTONIC is per-boot, not per-namespace (time namespaces aside), so
// timestamps taken by endpoints in different network namespaces compare directly.
inline int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace crashlab
