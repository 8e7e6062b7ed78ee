// "ip": ["ipv4", "ipv6"]: one case, run in each family it lists.
#include <algorithm>

#include "runner/case/case_parse.hpp"

namespace crashlab::runner {

std::vector<CaseSpec> parse_case_families(const nlohmann::json& j, const std::string& file, const std::string& name,
                                          const std::optional<std::string>& only) {
  if (!j.is_object()) return {parse_one_family(j, file, name)};  // which names the problem
  const bool listed = j.contains("ip") && j["ip"].is_array();
  const bool ipv6_only = j.contains("ip") && j["ip"] == "ipv6";
  std::vector<std::string> families{ipv6_only ? "ipv6" : "ipv4"};
  if (listed) {
    Fields f(j, file, "");
    families.clear();
    for (const auto& v : j["ip"]) {
      if (v != "ipv4" && v != "ipv6") f.fail("ip", "lists " + Fields::clipped(v.dump(), 40) + "; each must be \"ipv4\" or \"ipv6\"");
      if (std::find(families.begin(), families.end(), v.get<std::string>()) != families.end())
        f.fail("ip", "lists " + v.get<std::string>() + " twice");
      families.push_back(v.get<std::string>());
    }
    if (families.empty()) f.fail("ip", "lists no family");
    std::sort(families.begin(), families.end());  // ipv4 first: the run under the case's own name
  }
  if (only) families = {*only};
  std::vector<CaseSpec> specs;
  for (const std::string& family : families) {
    nlohmann::json one = j;
    if (listed || only) one["ip"] = family;
    specs.push_back(parse_one_family(one, file, family == "ipv6" && !ipv6_only ? name + "@ipv6" : name));
  }
  return specs;
}

}  // namespace crashlab::runner
