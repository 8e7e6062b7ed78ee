#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace crashlab::runner::fuzz {

// Tokens of a libFuzzer dictionary file (`"token"` per line, `#` comments); escapes
// other than \" and \\ are kept as written.
std::vector<std::string> read_dictionary(const std::string& path);

// libFuzzer's kinds of mutation, done with a seeded generator so a failing input can
// be made again from its seed: flip a bit, insert, erase or repeat bytes, put in a
// dictionary token or a hostile number, splice another input in.
class Mutator {
 public:
  Mutator(uint64_t seed, std::vector<std::string> dictionary);
  std::string mutate(const std::string& input, const std::vector<std::string>& corpus);

 private:
  uint64_t next();
  size_t below(size_t n) { return n ? size_t(next() % n) : 0; }
  uint64_t state_;
  std::vector<std::string> dictionary_;
};

}  // namespace crashlab::runner::fuzz
