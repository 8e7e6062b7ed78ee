#include "runner/machine/tick.hpp"

#include <gtest/gtest.h>

namespace crashlab::runner::machine {
namespace {

TEST(Tick, OnlyATickOfAKnownHzIsTaken) {
  EXPECT_EQ(hz_of_tick_us(4000), 250);
  EXPECT_EQ(hz_of_tick_us(10000), 100);
  EXPECT_EQ(hz_of_tick_us(1000), 1000);
  EXPECT_EQ(hz_of_tick_us(3333), 300);
  EXPECT_EQ(hz_of_tick_us(4100), std::nullopt);  // a round trip on top of the tick: 244 Hz
  EXPECT_EQ(hz_of_tick_us(5000), std::nullopt);  // 200 Hz is no kernel's choice
  EXPECT_EQ(hz_of_tick_us(0), std::nullopt);
  EXPECT_EQ(hz_of_tick_us(-4000), std::nullopt);
}

// Whatever the source, the tick found is the one the kernel's timers keep: where this
// thread's loopback can be probed, the probe agrees.
TEST(Tick, TheTickFoundIsTheOneTheTimersKeep) {
  const auto tick = find_tick();
  ASSERT_TRUE(tick) << "neither CONFIG_HZ nor a loopback probe gave the tick";
  EXPECT_FALSE(tick->source.empty());
  if (const auto probed = probed_hz()) {
    EXPECT_EQ(*probed, tick->hz) << "found via " << tick->source;
  }
}

// The fallback for a runner whose own loopback is down (`unshare -Urn`): where it can
// run, it agrees too.
TEST(Tick, AProbeInAPrivateNamespaceAgrees) {
  const auto tick = find_tick();
  ASSERT_TRUE(tick);
  if (const auto probed = probed_hz_in_private_namespace()) {
    EXPECT_EQ(*probed, tick->hz) << "found via " << tick->source;
  }
}

}  // namespace
}  // namespace crashlab::runner::machine
