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

// CLOCK_REALTIME minus CLOCK_MONOTONIC now: what turns a monotonic time into the
// wall-clock time that packet captures (skb timestamps) carry. Read between two
// monotonic reads so the pair is at most one clock_gettime apart.
inline int64_t realtime_minus_monotonic_ns() {
  timespec a{}, r{}, b{};
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_REALTIME, &r);
  clock_gettime(CLOCK_MONOTONIC, &b);
  const int64_t mono = (int64_t(a.tv_sec) + int64_t(b.tv_sec)) * 500'000'000 + (a.tv_nsec + b.tv_nsec) / 2;
  return int64_t(r.tv_sec) * 1'000'000'000 + r.tv_nsec - mono;
}

}  // namespace crashlab
