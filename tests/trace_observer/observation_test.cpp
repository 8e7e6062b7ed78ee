// Observation beside tracepoints: sock_diag samples only when a traced event asks (or
// on request), so a waiting case costs no CPU, while TIME_WAIT still comes from
// sock_diag and the change feed wakes whoever waits for a state.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "fixtures/loopback.hpp"
#include "fixtures/tracing.hpp"
#include "netns/host/netns.hpp"
#include "netns/observe/diag/diag_sampler.hpp"
#include "netns/observe/observation.hpp"
#include "netns/wire/tcp_state.hpp"
#include "tests/trace_observer/loopback_tcp.hpp"

using namespace crashlab;
using namespace crashlab::trace_test;
using namespace std::chrono_literals;

namespace {

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

bool readable_within(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, int(timeout.count())) == 1;
}

std::string last_state(const std::vector<StateAt>& states) {
  return states.empty() ? "nothing" : tcp_state_name(states.back().state);
}

class ObservationTest : public TracingTest {
 protected:
  void SetUp() override {
    TracingTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    listener = bound_socket(0, 8);
    port = local_port(listener.get());
    obs = std::make_unique<Observation>(port);
    obs->watch(NetNs::current());
    ASSERT_TRUE(obs->exact()) << "tracepoints in use: " << obs->note();
  }

  // A connection from the client side's view; the sockets stay open until reset.
  ConnKey connect_one() {
    client = connect_to(port);
    server = accept_one(listener.get());
    return {"127.0.0.1", local_port(client.get()), "127.0.0.1", port};
  }

  // Waits on the change feed (bounded) until the side's last observed state is `want`.
  testing::AssertionResult reaches(const ConnKey& side, int want, std::chrono::milliseconds timeout = 2s) {
    const auto started = std::chrono::steady_clock::now(), deadline = started + timeout;
    for (;;) {
      obs->take_changes();
      const auto states = obs->states(side);
      if (!states.empty() && states.back().state == want) return testing::AssertionSuccess();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms || !readable_within(obs->changes_fd(), left))
        return testing::AssertionFailure()
               << "waited " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
               << " ms for " << side.text() << " to reach " << tcp_state_name(want) << "; last seen: " << last_state(obs->states(side));
    }
  }

  UniqueFd listener, client, server;
  uint16_t port = 0;
  std::unique_ptr<Observation> obs;
};

// The state a case waits in: a connection up, nothing happening. The 1 ms sampler this
// replaced cost several percent of a core here (a dump walks the whole TCP hash table).
TEST_F(ObservationTest, AWaitingCaseUsesNoCpu) {
  const ConnKey side = connect_one();
  ASSERT_TRUE(reaches(side, ESTABLISHED));
  const double before = cpu_seconds();
  std::this_thread::sleep_for(1s);  // the measurement itself: nothing happens, nothing may sample
  const double used = cpu_seconds() - before;
  EXPECT_LT(used, 0.01) << "waiting 1 s used " << used * 1e3 << " ms CPU";
}

// The change feed becomes readable after a traced change, once sock_diag has been
// sampled for it: the next states() has it without any polling.
TEST_F(ObservationTest, ChangeFeedWakesAfterATracedChange) {
  obs->take_changes();
  const ConnKey side = connect_one();
  ASSERT_TRUE(readable_within(obs->changes_fd(), 2000ms)) << "the change feed after a connect";
  EXPECT_EQ(last_state(obs->states(side)), "ESTABLISHED");
}

// A TIME_WAIT socket is a mini-socket the tracepoint never shows: the trace says
// FIN_WAIT2 -> CLOSE, and the sample taken right after that event sees TIME_WAIT.
TEST_F(ObservationTest, TimeWaitComesFromTheSampleAfterTheTracedClose) {
  const ConnKey side = connect_one();
  ASSERT_TRUE(reaches(side, ESTABLISHED));
  client.reset();  // the client closes first: FIN_WAIT1, FIN_WAIT2
  server.reset();  // then the server: the client ends in TIME_WAIT
  EXPECT_TRUE(reaches(side, tcp_state_from_name("TIME_WAIT")));
  EXPECT_EQ(obs->current_state(side).value_or("gone"), "TIME_WAIT");
}

// Without a period the sampler's thread samples only when asked, and says when it has.
TEST(DiagSamplerOnRequest, SamplesOnlyWhenAskedAndSignalsWhenDone) {
  UniqueFd listener = bound_socket(0, 8);
  const uint16_t port = local_port(listener.get());
  EventFd requests, changed;
  DiagSampler sampler(port, 0us, SamplerFeeds{&requests, &changed});
  sampler.watch(NetNs::current());
  UniqueFd client = connect_to(port), server = accept_one(listener.get());
  const ConnKey side{"127.0.0.1", local_port(client.get()), "127.0.0.1", port};
  // What a periodic sampler would have recorded many times over by now.
  EXPECT_FALSE(readable_within(changed.fd(), 50ms)) << "no sample without a request";
  EXPECT_TRUE(sampler.states(side).empty()) << "sampled without a request: " << last_state(sampler.states(side));
  requests.signal();
  ASSERT_TRUE(readable_within(changed.fd(), 2000ms)) << "the changed feed after a request";
  EXPECT_EQ(last_state(sampler.states(side)), "ESTABLISHED");
}

}  // namespace
