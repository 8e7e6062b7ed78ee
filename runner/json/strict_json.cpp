#include "runner/json/strict_json.hpp"

#include <set>
#include <vector>

#include "runner/json/fields.hpp"

namespace crashlab::runner {

namespace {
using json = nlohmann::json;

// A SAX pass that only checks: nlohmann's own parser keeps the last of duplicate
// keys silently and has no depth limit.
class StrictChecker : public json::json_sax_t {
 public:
  std::string problem;  // "" while all is well

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(json::number_integer_t) override { return value(); }
  bool number_unsigned(json::number_unsigned_t) override { return value(); }
  bool number_float(json::number_float_t, const json::string_t&) override { return value(); }
  bool string(json::string_t&) override { return value(); }
  bool binary(json::binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }

  bool key(json::string_t& k) override {
    Level& l = stack_.back();
    l.key = k;
    if (!l.keys.insert(k).second) return fail("duplicate key '" + Fields::clipped(k) + "'");
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const json::exception& e) override {
    // 406: a number the lexer could not represent (1E400, a 400-digit literal).
    if (e.id == 406) return fail("a number out of range (byte " + std::to_string(position) + ")");
    problem = std::string("not valid JSON: ") + e.what();
    return false;
  }

 private:
  struct Level {
    bool object = false;
    std::string key;  // the current member's key (objects)
    size_t index = 0;  // the next element's index (arrays)
    std::set<std::string> keys;
  };
  std::vector<Level> stack_;

  // Where the parser stands: "expect.server.states[2]".
  std::string where() const {
    std::string out;
    for (const Level& l : stack_) {
      if (l.object && !l.key.empty()) out += (out.empty() ? "" : ".") + l.key;
      if (!l.object && l.index > 0) out += "[" + std::to_string(l.index - 1) + "]";
    }
    return out.empty() ? "top level" : Fields::clipped(out);
  }
  bool fail(const std::string& why) {
    problem = where() + ": " + why;
    return false;
  }
  bool value() {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    return true;
  }
  bool open(bool object) {
    value();
    if (stack_.size() >= size_t(kMaxJsonDepth)) return fail("nested deeper than " + std::to_string(kMaxJsonDepth));
    stack_.push_back(Level{object, "", 0, {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
};
}  // namespace

json parse_strict_json(std::string_view text, const std::string& source) {
  StrictChecker check;
  json::sax_parse(text.begin(), text.end(), &check, json::input_format_t::json, /*strict=*/true);
  if (!check.problem.empty()) throw InputError(source + ": " + check.problem);
  // Checked: depth bounded, numbers finite, no duplicates; this cannot fail now.
  return json::parse(text.begin(), text.end());
}

}  // namespace crashlab::runner
