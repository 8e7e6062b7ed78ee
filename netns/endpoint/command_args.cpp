#include "netns/endpoint/command_args.hpp"

#include <cerrno>
#include <climits>

#include "netns/endpoint/socket_options.hpp"

namespace crashlab::endpoint {
namespace {

std::string quoted(const std::string& field) { return "'" + field + "'"; }

// The value as an int64 in [min, max]; nullopt if it is not such an integer.
std::optional<int64_t> integer_in_range(const Json& v, int64_t min, int64_t max) {
  if (!v.is_number_integer()) return std::nullopt;
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return std::nullopt;
  const int64_t i = v.get<int64_t>();
  if (i < min || i > max) return std::nullopt;
  return i;
}

}  // namespace

void fail(const std::string& op, int err, const std::string& message) { throw CommandFailure{op, err, message}; }

void fail_command(const std::string& message) { fail("command", EINVAL, message); }

void check(int rc, const std::string& op) {
  if (rc < 0) fail(op, errno);
}

const Json* CommandArgs::find(const char* field) {
  used_.insert(field);
  const auto it = cmd_.find(field);
  return it == cmd_.end() ? nullptr : &*it;
}

const Json& CommandArgs::require(const char* field) {
  const Json* v = find(field);
  if (!v) fail_command("missing field " + quoted(field));
  return *v;
}

std::string CommandArgs::string(const char* field) {
  const Json& v = require(field);
  if (!v.is_string()) fail_command("field " + quoted(field) + " must be a string");
  return v.get<std::string>();
}

std::optional<std::string> CommandArgs::optional_string(const char* field) {
  if (!find(field)) return std::nullopt;
  return string(field);
}

int64_t CommandArgs::integer(const char* field, int64_t min, int64_t max) {
  const auto i = integer_in_range(require(field), min, max);
  if (!i)
    fail_command("field " + quoted(field) + " must be an integer in [" + std::to_string(min) + ", " +
                 std::to_string(max) + "]");
  return *i;
}

std::optional<int64_t> CommandArgs::optional_integer(const char* field, int64_t min, int64_t max) {
  if (!find(field)) return std::nullopt;
  return integer(field, min, max);
}

std::optional<bool> CommandArgs::optional_bool(const char* field) {
  const Json* v = find(field);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail_command("field " + quoted(field) + " must be a boolean");
  return v->get<bool>();
}

SocketOptions CommandArgs::socket_options(const char* field, bool required) {
  const Json* v = required ? &require(field) : find(field);
  if (!v) return {};
  if (!v->is_object()) fail_command("field " + quoted(field) + " must be an object");
  SocketOptions opts;
  for (const auto& [name, value] : v->items()) {
    const SocketOptionCheck c = check_socket_option(name, value);
    if (!c.option) fail("setsockopt", EINVAL, "socket option " + quoted(name) + ": " + c.problem);
    opts.push_back(*c.option);
  }
  return opts;
}

void CommandArgs::finish() const {
  for (const auto& [name, value] : cmd_.items())
    if (!used_.contains(name)) fail_command("unknown field " + quoted(name));
}

}  // namespace crashlab::endpoint
