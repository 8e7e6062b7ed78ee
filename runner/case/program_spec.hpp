#pragma once
// A side of a case played by a program of the user's own instead of crashlab's
// endpoint (docs/applications.md): how to start it, when it is ready, and which of
// its output lines say what it saw.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "runner/case/outcome.hpp"
#include "runner/json/fields.hpp"

namespace crashlab::runner {

// When the program counts as started: it listens on the case's port, it has a
// connection to that port, or it printed a line matching a pattern.
enum class Readiness { Listening, Connected, Output };

// An output line matching `pattern` (ECMAScript regex, searched anywhere in the
// line) means the program saw `outcome`.
struct OutputRule {
  std::string pattern;
  std::shared_ptr<const std::regex> re;
  Outcome outcome;
};

struct ProgramSpec {
  std::vector<std::string> command;                       // placeholders filled at start
  std::vector<std::pair<std::string, std::string>> env;   // name, value (placeholders filled)
  std::vector<std::vector<std::string>> prepare;
  Readiness ready = Readiness::Listening;
  std::optional<OutputRule> ready_output;  // Readiness::Output (its outcome unused)
  int64_t ready_timeout_ms = 30000;
  std::vector<OutputRule> outcomes;  // the case's own, tried before the built-in errno texts
  std::optional<Outcome> on_exit;    // its exit counts as this outcome; none: only recorded
  bool as_nobody = false;            // "user": "nobody" (else root of its own user namespace)
};

// The values placeholders stand for: {address} (the host's own), {peer} (the
// other host's), {port} (the server's), {dir} (the program's private directory),
// {case_dir} (the folder of the case file, for a program shipped beside it).
using Placeholders = std::map<std::string, std::string>;
std::vector<std::string> placeholder_names();
// `text` with every {name} replaced; an unknown name is left as it is (the parser refuses it).
std::string fill_placeholders(const std::string& text, const Placeholders& values);

// Parses one side's "program" object; `role_default` is the readiness a side has
// when the case names none (a server listens, a client connects).
ProgramSpec parse_program(Fields f, Readiness role_default);

// What an output line says: the first of the case's rules that matches, else the
// first errno whose text (strerror: "Connection timed out") is in the line.
std::optional<Outcome> outcome_of_line(const ProgramSpec& p, const std::string& line);

}  // namespace crashlab::runner
