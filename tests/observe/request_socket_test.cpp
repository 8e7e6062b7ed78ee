// Which sampled connection is a listener's request socket, whose CLOSE is left to the
// state at the end. An accepted connection whose brief SYN_RECV a sample caught is
// not one: its CLOSE stays (a keepalive case failed 1 run in ~50 unprivileged when it
// lost it). Pure.
#include <gtest/gtest.h>

#include "netns/observe/observation.hpp"
#include "netns/wire/tcp_state.hpp"

using namespace crashlab;

namespace {
std::vector<StateAt> track(std::initializer_list<const char*> names) {
  std::vector<StateAt> out;
  int64_t t = 0;
  for (const char* n : names) out.push_back({t += 1000, tcp_state_from_name(n)});
  return out;
}
}  // namespace

TEST(RequestSocket, SynRecvThatNeverGotFurtherIsOne) {
  EXPECT_TRUE(is_request_socket(track({"SYN_RECV"})));
  EXPECT_TRUE(is_request_socket(track({"SYN_RECV", "CLOSE"})));
  EXPECT_EQ(without_end(track({"SYN_RECV", "CLOSE"})).size(), 1u);
}

TEST(RequestSocket, AnAcceptedConnectionSeenInSynRecvIsNot) {
  EXPECT_FALSE(is_request_socket(track({"SYN_RECV", "ESTABLISHED", "CLOSE"})));
  EXPECT_FALSE(is_request_socket(track({"ESTABLISHED", "CLOSE"})));
  EXPECT_FALSE(is_request_socket({}));
}

// connect/synack-lost, unprivileged (sock_diag only), once in CI: a dump missed the
// request socket for a moment, and the track read SYN_RECV > SYN_RECV.
TEST(RequestSocket, ADumpThatMissedItForAMomentLeavesOneSynRecv) {
  const auto sampled = track({"SYN_RECV", "CLOSE", "SYN_RECV", "CLOSE"});
  ASSERT_TRUE(is_request_socket(sampled));
  const auto kept = without_end(sampled);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].t_ns, 1000) << "kept at its first sighting";
}
