#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netns/endpoint/emitter.hpp"
#include "netns/endpoint/socket_options.hpp"

namespace crashlab::endpoint {

// Why a command failed; reported as {"event":"error","op":op,"errno":...,"message":...}.
struct CommandFailure {
  std::string op;
  int err;
  std::string message;  // may be empty
};

[[noreturn]] void fail(const std::string& op, int err, const std::string& message = {});
// A bad command: op "command", EINVAL.
[[noreturn]] void fail_command(const std::string& message);
// Throws a CommandFailure for `op` with errno when rc < 0.
void check(int rc, const std::string& op);


// Typed access to a command's fields. Each accessor throws a CommandFailure naming
// the field if it is missing or mistyped; finish() rejects fields nobody asked for,
// so a misspelt optional field is an error rather than silently ignored.
class CommandArgs {
 public:
  explicit CommandArgs(const Json& cmd) : cmd_(cmd) {}

  std::string string(const char* field);
  std::optional<std::string> optional_string(const char* field);
  int64_t integer(const char* field, int64_t min, int64_t max);
  std::optional<int64_t> optional_integer(const char* field, int64_t min, int64_t max);
  std::optional<bool> optional_bool(const char* field);
  // An object of socket options; unknown names and bad values fail with op "setsockopt".
  SocketOptions socket_options(const char* field, bool required);
  void finish() const;

 private:
  const Json* find(const char* field);
  const Json& require(const char* field);

  const Json& cmd_;
  std::set<std::string> used_{"cmd", "id"};
};

}  // namespace crashlab::endpoint
