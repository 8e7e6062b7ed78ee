#include "runner/case/neighbour_choice.hpp"

namespace crashlab::runner {

namespace {
struct ChoiceName {
  NeighbourChoice choice;
  std::string_view name;
};
constexpr ChoiceName kChoices[] = {{NeighbourChoice::Reachable, "reachable"},
                                   {NeighbourChoice::Stale, "stale"},
                                   {NeighbourChoice::Absent, "absent"},
                                   {NeighbourChoice::Untouched, "untouched"}};
}  // namespace

std::string_view neighbour_choice_name(NeighbourChoice c) {
  for (const ChoiceName& n : kChoices)
    if (n.choice == c) return n.name;
  return "untouched";
}

std::optional<NeighbourChoice> parse_neighbour_choice(std::string_view name) {
  for (const ChoiceName& n : kChoices)
    if (n.name == name) return n.choice;
  return std::nullopt;
}

const std::set<std::string>& neighbour_choice_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    for (const ChoiceName& n : kChoices) out.emplace(n.name);
    return out;
  }();
  return names;
}

}  // namespace crashlab::runner
