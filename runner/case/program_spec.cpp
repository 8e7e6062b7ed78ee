#include "runner/case/program_spec.hpp"

#include <cerrno>
#include <cstring>

namespace crashlab::runner {

namespace {
const char* const kPlaceholders[] = {"address", "peer", "port", "dir", "case_dir"};

// The errors a program meets when its peer dies, as strerror() words them: most
// programs print that text, whatever else their message says.
const int kErrnoTexts[] = {ETIMEDOUT, ECONNRESET, EHOSTUNREACH, ECONNREFUSED, ENETUNREACH, EPIPE, ECONNABORTED};

// The names inside {...} in `text` that are not placeholders.
std::optional<std::string> unknown_placeholder(const std::string& text) {
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string::npos) return std::nullopt;
    const std::string name = text.substr(open + 1, close - open - 1);
    bool known = false;
    for (const char* p : kPlaceholders) known = known || name == p;
    // "{" in a program's own syntax (a JSON argument, a shell brace) is left alone
    // unless it looks like a placeholder: a plain lower-case word.
    if (!known && !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos)
      return name;
  }
  return std::nullopt;
}

std::string checked_text(const Fields& f, const std::string& field, std::string text) {
  if (auto bad = unknown_placeholder(text))
    f.fail(field, "unknown placeholder {" + *bad + "} (placeholders: {address}, {peer}, {port}, {dir}, {case_dir})");
  return text;
}

std::vector<std::string> argv_field(Fields& f, const std::string& key, const nlohmann::json& arr) {
  if (!arr.is_array() || arr.empty()) f.fail(key, "must be a non-empty array of strings (the program and its arguments)");
  std::vector<std::string> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string field = key + "[" + std::to_string(i) + "]";
    if (!arr[i].is_string()) f.fail(field, "must be a string");
    out.push_back(checked_text(f, field, arr[i].get<std::string>()));
  }
  if (out[0].empty()) f.fail(key + "[0]", "must name a program");
  return out;
}

std::shared_ptr<const std::regex> compiled(const Fields& f, const std::string& field, const std::string& pattern) {
  if (pattern.empty()) f.fail(field, "must not be empty (it would match every line)");
  try {
    return std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    f.fail(field, std::string("is not a regular expression: ") + e.what());
  }
}

Outcome outcome_field(const Fields& f, const std::string& field, const std::string& text) {
  auto o = Outcome::parse(text);
  if (!o || !o->detects())
    f.fail(field, "must be EOF or an errno name (ETIMEDOUT, ECONNRESET, EHOSTUNREACH, ...), not " + Fields::clipped(text));
  return *o;
}

OutputRule output_rule(Fields r, const std::string& outcome_key) {
  OutputRule rule;
  rule.pattern = r.string("output");
  rule.re = compiled(r, "output", rule.pattern);
  if (!outcome_key.empty()) rule.outcome = outcome_field(r, outcome_key, r.string(outcome_key));
  r.done();
  return rule;
}

const std::vector<OutputRule>& errno_rules() {
  static const std::vector<OutputRule> rules = [] {
    std::vector<OutputRule> out;
    for (int e : kErrnoTexts) {
      OutputRule r;
      r.pattern = std::strerror(e);
      r.re = std::make_shared<const std::regex>(r.pattern, std::regex::ECMAScript | std::regex::icase);
      r.outcome = {Outcome::Kind::Error, e};
      out.push_back(std::move(r));
    }
    return out;
  }();
  return rules;
}
}  // namespace

std::vector<std::string> placeholder_names() { return {std::begin(kPlaceholders), std::end(kPlaceholders)}; }

std::string fill_placeholders(const std::string& text, const Placeholders& values) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close != std::string::npos)
      if (auto v = values.find(text.substr(i + 1, close - i - 1)); v != values.end()) {
        out += v->second;
        i = close + 1;
        continue;
      }
    out += text[i++];
  }
  return out;
}

ProgramSpec parse_program(Fields f, Readiness role_default) {
  ProgramSpec p;
  p.command = argv_field(f, "command", f.raw().contains("command") ? f.raw()["command"] : nlohmann::json());
  f.opt_array("command");  // marks it read
  if (f.has("env")) {
    Fields env = f.child("env");
    for (const auto& [k, v] : env.all_items().items()) {
      if (!v.is_string()) env.fail(k, "must be a string");
      if (k.empty() || k.find('=') != std::string::npos) env.fail(k, "is not an environment variable name");
      p.env.emplace_back(k, checked_text(env, k, v.get<std::string>()));
    }
  }
  if (const nlohmann::json* prep = f.opt_array("prepare"))
    for (size_t i = 0; i < prep->size(); ++i)
      p.prepare.push_back(argv_field(f, "prepare[" + std::to_string(i) + "]", (*prep)[i]));
  p.ready = role_default;
  if (f.has("ready")) {
    Fields r = f.child("ready");
    const bool listening = r.opt_bool("listening").value_or(false), connected = r.opt_bool("connected").value_or(false);
    const bool output = r.has("output");
    if (int(listening) + int(connected) + int(output) != 1)
      f.fail("ready", "give exactly one of listening: true, connected: true, output: \"regex\"");
    if (output) {
      p.ready = Readiness::Output;
      p.ready_output = OutputRule{r.string("output"), nullptr, {}};
      p.ready_output->re = compiled(r, "output", p.ready_output->pattern);
    } else {
      p.ready = listening ? Readiness::Listening : Readiness::Connected;
    }
    p.ready_timeout_ms = r.opt_integer("timeout_ms", 100, 10 * 60 * 1000).value_or(p.ready_timeout_ms);
    r.done();
  }
  if (const nlohmann::json* rules = f.opt_array("outcomes"))
    for (size_t i = 0; i < rules->size(); ++i) p.outcomes.push_back(output_rule(f.element("outcomes", i), "is"));
  if (auto on_exit = f.opt_string("exit_is")) p.on_exit = outcome_field(f, "exit_is", *on_exit);
  p.as_nobody = f.opt_string("user", {"root", "nobody"}).value_or("root") == "nobody";
  f.done();
  return p;
}

std::optional<Outcome> outcome_of_line(const ProgramSpec& p, const std::string& line) {
  for (const auto* rules : {&p.outcomes, &errno_rules()})
    for (const OutputRule& r : *rules)
      if (std::regex_search(line, *r.re)) return r.outcome;
  return std::nullopt;
}

}  // namespace crashlab::runner
