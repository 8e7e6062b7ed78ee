#include "runner/case/outcome.hpp"

#include <array>

#include "netns/sys/errors.hpp"

namespace crashlab::runner {

namespace {
struct Named {
  Outcome::Kind kind;
  std::string_view name;
};
constexpr std::array<Named, 3> kNamed = {{{Outcome::Kind::Eof, "EOF"}, {Outcome::Kind::Sent, "SENT"}, {Outcome::Kind::Data, "DATA"}}};
}  // namespace

std::string Outcome::name() const {
  if (kind == Kind::Error) return errno_name(err);
  for (const auto& n : kNamed)
    if (n.kind == kind) return std::string(n.name);
  return "?";
}

std::optional<Outcome> Outcome::parse(std::string_view text) {
  for (const auto& n : kNamed)
    if (n.name == text) return Outcome{n.kind, 0};
  int e = errno_from_name(std::string(text));
  if (e < 0) return std::nullopt;
  return Outcome{Kind::Error, e};
}

}  // namespace crashlab::runner
