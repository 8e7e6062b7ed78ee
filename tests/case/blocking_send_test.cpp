// A send that blocks until it completes or fails: only a send blocks, and a blocked
// writer does nothing after it.
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"
#include "runner/case/case_parse.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;

namespace {
json with_before_fault(json actions) {
  json j = testing_values::host_crash_send_json();
  j.erase("after_fault");
  j["before_fault"] = std::move(actions);
  return j;
}
std::string error_of(const json& j) { return testing_values::case_error_of(j); }
}  // namespace

TEST(BlockingSend, ASendMayBlock) {
  const json j = with_before_fault({{{"role", "server"}, {"do", "send"}, {"bytes", 100}, {"blocks", true}}});
  const CaseSpec c = parse_case(j, "f", "x/y");
  ASSERT_EQ(c.before_fault.size(), 1u);
  EXPECT_TRUE(c.before_fault[0].blocks);
  EXPECT_FALSE(parse_case(with_before_fault({{{"role", "server"}, {"do", "send"}, {"bytes", 1}}}), "f", "x/y")
                   .before_fault[0]
                   .blocks);
}

TEST(BlockingSend, OnlyASendBlocks) {
  const json j = with_before_fault({{{"role", "server"}, {"do", "close"}, {"blocks", true}}});
  EXPECT_EQ(error_of(j), "cases/x/y.json: before_fault[0].blocks: only a send blocks");
}

TEST(BlockingSend, ABlockedWriterDoesNothingElse) {
  json j = with_before_fault({{{"role", "server"}, {"do", "send"}, {"bytes", 100}, {"blocks", true}}});
  j["after_fault"] = json::array({{{"role", "server"}, {"do", "close"}}});
  EXPECT_EQ(error_of(j), "cases/x/y.json: after_fault[0].role: the server blocks in send() from before_fault[0] until it "
                         "completes or fails; a blocked writer does nothing else");
  j["after_fault"][0]["role"] = "client";  // the other side still acts
  j["fault"]["target"] = "server";
  j["expect"] = {{"client", {{"app", json::array()}}}};  // the server's process dies in the fault
  EXPECT_EQ(error_of(j), "");
}
