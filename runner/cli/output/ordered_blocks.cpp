#include "runner/cli/output/ordered_blocks.hpp"

namespace crashlab::runner::cli {

std::string OrderedBlocks::add(size_t i, std::string text) {
  blocks_.at(i) = std::move(text);
  std::string out;
  for (; next_ < blocks_.size() && blocks_[next_]; ++next_) out += *blocks_[next_];
  return out;
}

std::string OrderedBlocks::release_rest(const std::function<std::string(size_t)>& missing) {
  std::string out;
  for (; next_ < blocks_.size(); ++next_)
    out += blocks_[next_] ? *blocks_[next_] : missing ? missing(next_) : "";
  return out;
}

}  // namespace crashlab::runner::cli
