// The one bounded wait every sampling loop uses: it ends, and says why.
#include <gtest/gtest.h>

#include "netns/sys/wait.hpp"

using namespace crashlab;

TEST(Wait, ReturnsAsSoonAsTheConditionHolds) {
  int calls = 0;
  EXPECT_TRUE(sample_until([&] { return ++calls == 3; }, Clock::now() + milliseconds(5000)));
  EXPECT_EQ(calls, 3);
}

TEST(Wait, GivesUpAtTheDeadline) {
  auto started = Clock::now();
  EXPECT_FALSE(sample_until([] { return false; }, started + milliseconds(30)));
  EXPECT_GE(Clock::now() - started, milliseconds(30));
}

TEST(Wait, TimeoutNamesWhatWasAwaitedTheLastValueAndTheTimeSpent) {
  try {
    require_within([] { return false; }, Clock::now() + milliseconds(20), "the server socket to reach CLOSE",
                   [] { return std::string("CLOSE_WAIT"); });
    FAIL() << "no WaitTimeout";
  } catch (const WaitTimeout& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("waiting for the server socket to reach CLOSE"), std::string::npos) << m;
    EXPECT_NE(m.find("last seen: CLOSE_WAIT"), std::string::npos) << m;
    EXPECT_NE(m.find("timed out after "), std::string::npos) << m;
  }
}
