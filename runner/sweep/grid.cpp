#include "runner/sweep/grid.hpp"

#include <charconv>

#include "runner/json/fields.hpp"

namespace crashlab::runner::sweep {

namespace {
constexpr size_t kMaxValues = 1000;

std::optional<long long> integer(std::string_view s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}
}  // namespace

std::string Vary::short_name() const {
  const size_t role_end = key.find('.');
  const size_t last = key.rfind('.');
  return key.substr(0, role_end) + "." + key.substr(last + 1);
}

std::vector<std::string> parse_values(const std::string& text, const std::string& flag) {
  const auto fail = [&](const std::string& why) -> std::vector<std::string> {
    throw InputError(flag + ": VALUES '" + text + "' " + why);
  };
  if (text.empty()) return fail("is empty");
  if (auto dots = text.find(".."); dots != std::string::npos) {
    const size_t colon = text.find(':', dots);
    auto from = integer(text.substr(0, dots));
    auto to = integer(text.substr(dots + 2, colon == std::string::npos ? std::string::npos : colon - dots - 2));
    auto step = colon == std::string::npos ? std::optional<long long>(1) : integer(text.substr(colon + 1));
    if (!from || !to || !step) return fail("is not a range FROM..TO or FROM..TO:STEP of integers");
    if (*step <= 0) return fail("needs a positive STEP");
    if (*to < *from) return fail("runs backwards (TO is below FROM)");
    if ((*to - *from) / *step + 1 > (long long)kMaxValues) return fail("has more than 1000 values");
    std::vector<std::string> out;
    for (long long v = *from; v <= *to; v += *step) out.push_back(std::to_string(v));
    return out;
  }
  std::vector<std::string> out;
  for (size_t at = 0;;) {
    const size_t comma = text.find(',', at);
    std::string v = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (v.empty()) return fail("has an empty value");
    out.push_back(v);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

Vary parse_vary(const std::string& argument) {
  const std::string flag = "--vary " + argument;
  const size_t eq = argument.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(flag + ": expected ROLE.sysctl.NAME=VALUES or ROLE.socket.OPTION=VALUES");
  return {argument.substr(0, eq), parse_values(argument.substr(eq + 1), flag)};
}

std::vector<std::string> Point::assignments() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < keys.size(); ++i) out.push_back(keys[i] + "=" + values[i]);
  return out;
}

std::string Point::name() const {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? "+" : "") + short_keys[i] + "=" + values[i];
  return out;
}

std::vector<Point> grid(const std::vector<Vary>& varies) {
  std::vector<Point> out{Point{}};
  for (const Vary& v : varies) {
    std::vector<Point> next;
    for (const Point& p : out)
      for (const std::string& value : v.values) {
        Point q = p;
        q.keys.push_back(v.key);
        q.short_keys.push_back(v.short_name());
        q.values.push_back(value);
        next.push_back(std::move(q));
      }
    out = std::move(next);
  }
  return varies.empty() ? std::vector<Point>{} : out;
}

}  // namespace crashlab::runner::sweep
