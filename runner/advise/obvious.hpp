#pragma once
// The answers people reach for first (a user timeout alone, keepalive alone, the
// rule of thumb), run through the same model, with why each fails where it does.
#include <string>
#include <vector>

#include "runner/advise/evaluate.hpp"

namespace crashlab::runner::advise {

struct ObviousAnswer {
  std::string label;   // "TCP_USER_TIMEOUT=10000 alone"
  std::string rule;    // the kernel rule that catches it out
  Settings settings;
  Evaluation eval;
  bool holds = false;           // it meets the request after all
  std::vector<std::string> why;  // one line per requirement it misses
};

std::vector<ObviousAnswer> obvious_answers(const Request& r);

// One line per requirement `e` misses ("idle: never notices ..."); empty when it meets them.
std::vector<std::string> shortfalls(const Evaluation& e, const Request& r);

}  // namespace crashlab::runner::advise
