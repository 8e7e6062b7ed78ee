// The sweep page's shared y axis: round 1-2-5 ticks, logarithmic where the
// detection times span more than 30x. Pure.
#include <gtest/gtest.h>

#include "runner/sweep/plot_axis.hpp"

using namespace crashlab::runner::sweep;

TEST(PlotAxis, LinearFromZeroWithRoundTicks) {
  const YAxis a = y_axis_for(1700, 13400);
  EXPECT_FALSE(a.log);
  EXPECT_EQ(a.ticks, (std::vector<double>{0, 5000, 10000, 15000}));
  EXPECT_DOUBLE_EQ(a.fraction(0), 0);
  EXPECT_DOUBLE_EQ(a.fraction(15000), 1);
}

TEST(PlotAxis, LogarithmicWhereTheTimesSpanMoreThan30x) {
  const YAxis a = y_axis_for(1660, 106600);  // tcp_retries2 1..8
  EXPECT_TRUE(a.log);
  EXPECT_EQ(a.ticks, (std::vector<double>{1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000}));
  EXPECT_NEAR(a.fraction(1000), 0, 1e-12);
  EXPECT_NEAR(a.fraction(200000), 1, 1e-12);
  EXPECT_LT(a.fraction(1660), a.fraction(3324));  // ordered, and the short ones apart
  EXPECT_GT(a.fraction(3324) - a.fraction(1660), 0.1);
}

TEST(PlotAxis, TickLabels) {
  EXPECT_EQ(tick_label(0), "0 s");
  EXPECT_EQ(tick_label(500), "500 ms");
  EXPECT_EQ(tick_label(2500), "2.5 s");
  EXPECT_EQ(tick_label(120000), "120 s");
}
