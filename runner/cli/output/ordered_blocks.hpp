#pragma once
// Case output in the order of the case list, not of completion: a case's block is
// released once it and every case before it are done.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace crashlab::runner::cli {

class OrderedBlocks {
 public:
  explicit OrderedBlocks(size_t count) : blocks_(count) {}
  // Records block i; returns what can be printed now (possibly "").
  std::string add(size_t i, std::string text);
  // Every block not yet released, in order; an unfinished case (an interrupted
  // run) gets missing(i), "" by default.
  std::string release_rest(const std::function<std::string(size_t)>& missing = {});

 private:
  std::vector<std::optional<std::string>> blocks_;
  size_t next_ = 0;
};

}  // namespace crashlab::runner::cli
