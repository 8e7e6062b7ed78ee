// A case's "programs": parsing, placeholders, what output lines mean, and what a
// program side may not be asked. No privileges needed.
#include <gtest/gtest.h>

#include "fixtures/case_error.hpp"

#include <cerrno>

#include "runner/case/case_parse.hpp"
#include "runner/case/overrides.hpp"
#include "runner/case/program_spec.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using nlohmann::json;

namespace {
json with_program(json program, const char* role = "server") {
  json j = json::parse(R"({
    "description": "d",
    "fault": {"type": "host-crash", "target": "client"},
    "window_ms": 1000,
    "expect": {"server": {"app": ["ETIMEDOUT"]}}
  })");
  j["programs"][role] = std::move(program);
  return j;
}

json redis() { return {{"command", {"redis-server", "--port", "{port}", "--bind", "{address}"}}}; }

std::string error_of(const json& j) { return testing_values::case_error_of(j); }

Outcome err(int e) { return {Outcome::Kind::Error, e}; }
}  // namespace

TEST(ProgramSpec, ParsesEveryFieldWithRoleDefaults) {
  json p = redis();
  p["env"] = {{"PGDATA", "{dir}/pg"}};
  p["prepare"] = {{"initdb", "-D", "{dir}/pg"}};
  p["outcomes"] = {{{"output", "recv timeout"}, {"is", "ETIMEDOUT"}}};
  p["user"] = "nobody";
  json j = with_program(p);
  j["programs"]["client"] = {{"command", {"redis-cli", "-h", "{peer}"}}};
  const CaseSpec c = parse_case(j, "cases/x/y.json", "x/y");
  const ProgramSpec& s = *c.program(Role::Server);
  EXPECT_EQ(s.command.size(), 5u);
  EXPECT_EQ(s.ready, Readiness::Listening);
  EXPECT_EQ(c.program(Role::Client)->ready, Readiness::Connected);
  ASSERT_EQ(s.env.size(), 1u);
  EXPECT_EQ(s.env[0].second, "{dir}/pg");
  ASSERT_EQ(s.prepare.size(), 1u);
  EXPECT_TRUE(s.as_nobody);
  EXPECT_FALSE(c.program(Role::Client)->as_nobody);
  EXPECT_EQ(s.ready_timeout_ms, 30000);
}

TEST(ProgramSpec, ReadyOnOutputCompilesItsPattern) {
  json p = redis();
  p["ready"] = {{"output", "Ready to accept"}, {"timeout_ms", 5000}};
  const CaseSpec c = parse_case(with_program(p), "cases/x/y.json", "x/y");
  EXPECT_EQ(c.program(Role::Server)->ready, Readiness::Output);
  EXPECT_EQ(c.program(Role::Server)->ready_timeout_ms, 5000);
}

TEST(ProgramSpec, BadInputNamesTheField) {
  json p = redis();
  p["command"][2] = "{prot}";
  EXPECT_NE(error_of(with_program(p)).find("programs.server.command[2]: unknown placeholder {prot}"), std::string::npos)
      << error_of(with_program(p));
  p = redis();
  p["command"] = json::array();
  EXPECT_NE(error_of(with_program(p)).find("programs.server.command: must be a non-empty array"), std::string::npos);
  p = redis();
  p["ready"] = {{"listening", true}, {"output", "x"}};
  EXPECT_NE(error_of(with_program(p)).find("programs.server.ready: give exactly one of"), std::string::npos);
  p = redis();
  p["outcomes"] = {{{"output", "(unclosed"}, {"is", "ETIMEDOUT"}}};
  EXPECT_NE(error_of(with_program(p)).find("outcomes[0].output: is not a regular expression"), std::string::npos)
      << error_of(with_program(p));
  p = redis();
  p["outcomes"] = {{{"output", "x"}, {"is", "SENT"}}};
  EXPECT_NE(error_of(with_program(p)).find("outcomes[0].is: must be EOF or an errno name"), std::string::npos);
  p = redis();
  p["user"] = "postgres";
  EXPECT_NE(error_of(with_program(p)).find("programs.server.user"), std::string::npos);
}

TEST(ProgramSpec, BracesThatAreNotPlaceholdersStay) {
  json p = redis();
  p["command"] = {"sh", "-c", "echo ${HOME} {\"a\": 1} {port}"};
  EXPECT_EQ(error_of(with_program(p)), "");
  EXPECT_EQ(fill_placeholders("echo ${HOME} {\"a\": 1} {port}", {{"port", "5432"}}), "echo ${HOME} {\"a\": 1} 5432");
  EXPECT_EQ(fill_placeholders("{address}:{port}{dir}", {{"address", "10.77.0.1"}, {"port", "1"}, {"dir", "/tmp"}}),
            "10.77.0.1:1/tmp");
}

TEST(ProgramSpec, TheCasesRulesComeBeforeTheErrnoTexts) {
  json p = redis();
  p["outcomes"] = {{{"output", "^lost: .*timed out"}, {"is", "ECONNRESET"}}};
  const CaseSpec c = parse_case(with_program(p), "cases/x/y.json", "x/y");
  const ProgramSpec& s = *c.program(Role::Server);
  EXPECT_EQ(outcome_of_line(s, "lost: Connection timed out"), err(ECONNRESET));
  EXPECT_EQ(outcome_of_line(s, "psql: could not receive data from server: Connection timed out"), err(ETIMEDOUT));
  EXPECT_EQ(outcome_of_line(s, "Error: No route to host"), err(EHOSTUNREACH));
  EXPECT_EQ(outcome_of_line(s, "connection reset by peer"), err(ECONNRESET));
  EXPECT_EQ(outcome_of_line(s, "Ready to accept connections"), std::nullopt);
}

TEST(ProgramSpec, AProgramSideTakesNoActionsSocketOptionsOrEndpointFaults) {
  json j = with_program(redis());
  j["after_fault"] = {{{"role", "server"}, {"do", "send"}, {"bytes", 10}}};
  EXPECT_NE(error_of(j).find("after_fault[0].role: the server is a program"), std::string::npos) << error_of(j);
  j = with_program(redis());
  j["sockets"] = {{"server", {{"SO_KEEPALIVE", 1}}}};
  EXPECT_NE(error_of(j).find("sockets.server: the server is a program"), std::string::npos) << error_of(j);
  j = with_program(redis());
  j["fault"] = {{"type", "process-exit"}, {"target", "server"}};
  EXPECT_NE(error_of(j).find("fault.type: process-exit"), std::string::npos) << error_of(j);
  j = with_program({{"command", {"redis-cli"}}}, "client");
  j["fault"] = {{"type", "host-crash"}, {"target", "server"}};
  j["connect"] = "after_fault";
  EXPECT_NE(error_of(j).find("connect: after_fault is for the built-in client"), std::string::npos) << error_of(j);
}

TEST(ProgramSpec, SetCannotGiveAProgramSocketOptions) {
  CaseSpec c = parse_case(with_program(redis()), "cases/x/y.json", "x/y");
  try {
    apply_override(c, "server.socket.TCP_USER_TIMEOUT=1000");
    FAIL() << "accepted";
  } catch (const CaseError& e) {
    EXPECT_NE(std::string(e.what()).find("the server is a program"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(apply_override(c, "client.socket.TCP_USER_TIMEOUT=1000"));
}
