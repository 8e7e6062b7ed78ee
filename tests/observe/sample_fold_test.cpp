// How one round of sock_diag dumps becomes state changes: a socket missing from its
// namespace's dump is gone, one whose namespace is no longer watched is gone, one whose
// namespace's dump failed is not (fold_dumps, pure).
#include <gtest/gtest.h>

#include "netns/observe/diag/sample_fold.hpp"
#include "netns/wire/tcp_state.hpp"

using namespace crashlab;

namespace {
constexpr ino_t kClientNs = 11, kServerNs = 22;

SockEntry sock(const char* state, const char* saddr, uint16_t sport, const char* daddr, uint16_t dport) {
  SockEntry e;
  e.family = 2;
  e.state = tcp_state_from_name(state);
  e.saddr = saddr;
  e.daddr = daddr;
  e.sport = sport;
  e.dport = dport;
  return e;
}
const SockEntry kClient = sock("TIME_WAIT", "10.77.0.2", 41234, "10.77.0.1", 5000),
                kServer = sock("LAST_ACK", "10.77.0.1", 5000, "10.77.0.2", 41234);
const std::string kClientKey = ConnKey{"10.77.0.2", 41234, "10.77.0.1", 5000}.text();

std::vector<std::string> names(const SampledTrack& t) { return state_names(t.states); }

// Both namespaces dumped successfully at t=1000, each with its socket.
std::map<std::string, SampledTrack> both_seen() {
  std::map<std::string, SampledTrack> tracks;
  fold_dumps(tracks, {{kClientNs, std::vector{kClient}}, {kServerNs, std::vector{kServer}}}, 1000);
  return tracks;
}
}  // namespace

TEST(SampleFold, ASocketMissingFromItsNamespacesDumpIsGone) {
  auto tracks = both_seen();
  EXPECT_TRUE(fold_dumps(tracks, {{kClientNs, std::vector<SockEntry>{}}, {kServerNs, std::vector{kServer}}}, 2000));
  EXPECT_EQ(names(tracks.at(kClientKey)), (std::vector<std::string>{"TIME_WAIT", "CLOSE"}));
  EXPECT_FALSE(tracks.at(kClientKey).present);
}

TEST(SampleFold, AFailedDumpLeavesThatNamespacesSocketsAsTheyWere) {
  auto tracks = both_seen();
  EXPECT_FALSE(fold_dumps(tracks, {{kClientNs, std::nullopt}, {kServerNs, std::vector{kServer}}}, 2000));
  EXPECT_EQ(names(tracks.at(kClientKey)), (std::vector<std::string>{"TIME_WAIT"}));
  EXPECT_TRUE(tracks.at(kClientKey).present);
  // The next good dump that lacks it still says gone.
  EXPECT_TRUE(fold_dumps(tracks, {{kClientNs, std::vector<SockEntry>{}}, {kServerNs, std::vector{kServer}}}, 3000));
  EXPECT_EQ(tracks.at(kClientKey).states.back().t_ns, 3000);
}

TEST(SampleFold, ASocketOfANamespaceNoLongerWatchedIsGone) {
  // A crashed host's namespace is unwatched: its sockets are gone at the next round.
  auto tracks = both_seen();
  EXPECT_TRUE(fold_dumps(tracks, {{kServerNs, std::vector{kServer}}}, 2000));
  EXPECT_EQ(names(tracks.at(kClientKey)), (std::vector<std::string>{"TIME_WAIT", "CLOSE"}));
}

TEST(SampleFold, AFailedDumpElsewhereDoesNotKeepASocketThatLeft) {
  auto tracks = both_seen();
  EXPECT_TRUE(fold_dumps(tracks, {{kClientNs, std::vector<SockEntry>{}}, {kServerNs, std::nullopt}}, 2000));
  EXPECT_FALSE(tracks.at(kClientKey).present);
  EXPECT_TRUE(tracks.at(ConnKey{"10.77.0.1", 5000, "10.77.0.2", 41234}.text()).present);
}

TEST(SampleFold, ListenersAreNotTrackedAndChangesAreRecordedOnce) {
  std::map<std::string, SampledTrack> tracks;
  EXPECT_TRUE(fold_dumps(tracks, {{kServerNs, std::vector{sock("LISTEN", "10.77.0.1", 5000, "0.0.0.0", 0), kServer}}}, 1000));
  EXPECT_EQ(tracks.size(), 1u);
  EXPECT_FALSE(fold_dumps(tracks, {{kServerNs, std::vector{kServer}}}, 2000));
  EXPECT_EQ(tracks.begin()->second.states.size(), 1u);
}
