#include "runner/sweep/shard.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include "runner/json/fields.hpp"

namespace crashlab::runner::sweep {

namespace {
// A shard count far past any sweep's run count is a typo.
constexpr size_t kMaxShards = 10000;

std::optional<size_t> count(std::string_view s) {
  size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

Shard parse_shard(const std::string& text) {
  const auto fail = [&](const std::string& why) -> Shard {
    throw InputError("--shard " + Fields::clipped(text, 40) + ": " + why);
  };
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return fail("expected K/N, e.g. 2/3 (the 2nd of 3 shares)");
  const auto k = count(std::string_view(text).substr(0, slash));
  const auto n = count(std::string_view(text).substr(slash + 1));
  if (!k || !n) return fail("K and N must be whole numbers, e.g. 2/3");
  if (*n < 1 || *n > kMaxShards) return fail("N must be between 1 and " + std::to_string(kMaxShards));
  if (*k < 1 || *k > *n) return fail("K must be between 1 and N (" + std::to_string(*n) + "); K counts from 1");
  return {*k, *n};
}

std::string shard_text(Shard s) { return std::to_string(s.k) + "/" + std::to_string(s.n); }

bool owns(Shard s, size_t point, size_t r, size_t repeat) { return (point * repeat + r) % s.n == s.k - 1; }

size_t runs_owned(Shard s, size_t point, size_t repeat) {
  size_t n = 0;
  for (size_t r = 0; r < repeat; ++r) n += owns(s, point, r, repeat);
  return n;
}

}  // namespace crashlab::runner::sweep
