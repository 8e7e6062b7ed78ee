#include "runner/cli/output/ktap.hpp"

#include <sstream>

namespace crashlab::runner::cli {

std::string ktap_header(size_t planned) { return "KTAP version 1\n1.." + std::to_string(planned) + "\n"; }

std::string ktap_comment(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string l; std::getline(in, l);) out += l.empty() ? "#\n" : "# " + l + "\n";
  return out;
}

std::string ktap_case(size_t number, const CaseResult& r, const std::string& block) {
  std::string line = (r.passed() ? "ok " : "not ok ") + std::to_string(number) + " " + r.name;
  if (r.verdict == Verdict::Error) line += " # ERROR";
  if (r.verdict == Verdict::Distorted) line += " # DISTORTED " + r.distortions.front();
  return ktap_comment(block) + line + "\n";
}

std::string ktap_skip(size_t number, const std::string& name, const std::string& reason) {
  return "ok " + std::to_string(number) + " " + name + " # SKIP " + reason + "\n";
}

}  // namespace crashlab::runner::cli
