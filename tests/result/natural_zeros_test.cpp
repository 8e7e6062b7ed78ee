// A side's detection counted from each of its natural zeros: the fault, its first
// send after it, the last segment it received, its connection coming up. Pure.
#include <gtest/gtest.h>

#include "fixtures/measurements.hpp"
#include "runner/result/natural_zeros.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using namespace crashlab::runner::testing_values;

namespace {
// The server sent 30 ms after the fault and timed out at 6600 ms; it was up from -2000 ms
// and last heard from its peer 40 ms before TCP_INFO was read (1 ms before the fault).
Measurement timed_out_server() {
  const CaseSpec spec = host_crash_send_case(R"({"app": ["SENT", "ETIMEDOUT"]})");
  Measurement m = measurement_of(spec);
  SideMeasurement& s = m.sides[Role::Server];
  add_state(s, -2000, "ESTABLISHED");
  s.app.push_back({Outcome{Outcome::Kind::Sent, 0}, at_ms(30), 1000, ""});
  s.app.push_back({*Outcome::parse("ETIMEDOUT"), at_ms(6600), 0, "poll"});
  s.tcp_info->last_data_recv_ms = 300;
  s.tcp_info->last_ack_recv_ms = 40;
  return m;
}
}  // namespace

TEST(NaturalZeros, EachZeroTheSideHad) {
  const Measurement m = timed_out_server();
  const auto from = detected_from(m, Role::Server);
  EXPECT_DOUBLE_EQ(from.at(NaturalZero::Fault), 6600);
  EXPECT_DOUBLE_EQ(from.at(NaturalZero::FirstSend), 6570);
  EXPECT_DOUBLE_EQ(from.at(NaturalZero::LastReceived), 6641);  // the ACK 40 ms before the read at -1 ms
  EXPECT_DOUBLE_EQ(from.at(NaturalZero::Connect), 8600);
}

TEST(NaturalZeros, NoDetectionNoFigures) {
  Measurement m = timed_out_server();
  m.sides[Role::Server].app.pop_back();
  EXPECT_TRUE(detected_from(m, Role::Server).empty());
  EXPECT_EQ(natural_zeros(m, Role::Server).size(), 4u);  // the zeros are still there
}

TEST(NaturalZeros, AConnectAfterTheFaultIsTheClientsAndASideThatNeverSentHasNoSendZero) {
  Measurement m = timed_out_server();
  m.connect_t_ns = at_ms(10);
  SideMeasurement& c = m.sides[Role::Client];
  c.app.push_back({*Outcome::parse("ETIMEDOUT"), at_ms(3010), 0, "connect"});
  const auto client = detected_from(m, Role::Client);
  EXPECT_DOUBLE_EQ(client.at(NaturalZero::Connect), 3000);
  EXPECT_FALSE(client.count(NaturalZero::FirstSend));
  EXPECT_DOUBLE_EQ(detected_from(m, Role::Server).at(NaturalZero::Connect), 8600);  // its own connection
}

TEST(NaturalZeros, NamesAreTheResultsKeys) {
  std::vector<std::string> names;
  for (NaturalZero z : kNaturalZeros) names.push_back(natural_zero_name(z));
  EXPECT_EQ(names, (std::vector<std::string>{"fault", "first_send", "last_received", "connect"}));
}
