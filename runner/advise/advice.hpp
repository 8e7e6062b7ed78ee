#pragma once
// Everything `crashlab advise` answers for one request: the search's proposal and
// alternatives, the obvious answers and why they fail, the rules relied on, and
// the proposal as snippets.
#include <string>
#include <vector>

#include "runner/advise/obvious.hpp"
#include "runner/advise/search.hpp"
#include "runner/advise/snippets.hpp"

namespace crashlab::runner::advise {

struct Advice {
  Request request;
  SearchResult search;
  std::vector<ObviousAnswer> obvious;
  std::vector<std::string> rules;  // the model's rules the proposal rests on, in words
  std::vector<Snippet> snippets;   // the proposal's; empty without one
};

Advice advice_for(const Request& r);

// The rules a candidate's numbers rest on (docs/model.md), for the explanation.
std::vector<std::string> rules_relied_on(const Candidate& c, const Request& r);

}  // namespace crashlab::runner::advise
